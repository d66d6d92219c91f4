import { label } from '@cb/domain/i18n';
import type { Stage, TemperatureLevel } from '@cb/domain/vocabulary';
import { useLocale } from '../i18n/format.ts';

/** Temperature as a coloured badge with its score: "Горячая · 82". Colour is never the only signal. */
export function TemperatureBadge({
  level,
  score,
}: {
  level: TemperatureLevel | null;
  score?: number | null;
}) {
  const locale = useLocale();
  if (!level) return <span className="badge badge-none">—</span>;
  return (
    <span className={`badge badge-${level}`} data-level={level}>
      {label('temperatureLevel', level, locale)}
      {score === null || score === undefined ? null : (
        <span className="badge-score"> · {Math.round(score)}</span>
      )}
    </span>
  );
}

export function StageBadge({ stage }: { stage: Stage }) {
  const locale = useLocale();
  return <span className={`badge badge-stage-${stage}`}>{label('stage', stage, locale)}</span>;
}
