import { label, type PolicyChangePreview, temperatureLevels } from '@cb/domain';
import { useTranslation } from 'react-i18next';
import { useFormat, useLocale } from '../../i18n/format.ts';
import { TemperatureBadge } from '../../ui/badges.tsx';

/**
 * What saving the edited policy would do: the count per level now and after, and the moves between
 * levels as a table (rows: level now, columns: level after). Numbers in tables, so the picture is
 * the same for a screen reader as on screen.
 */
export function PolicyPreview({
  preview,
  updating = false,
}: {
  preview: PolicyChangePreview;
  updating?: boolean;
}) {
  const { t } = useTranslation('settings');
  const format = useFormat();
  const locale = useLocale();
  const signed = (n: number) => (n > 0 ? `+${format.number(n)}` : n < 0 ? `−${format.number(-n)}` : '0');

  let summary: string;
  if (preview.total === 0) summary = t('preview.noClients');
  else if (preview.changed === 0) summary = t('preview.noChange', { total: format.number(preview.total) });
  else
    summary = t('preview.changed', {
      count: preview.changed,
      n: format.number(preview.changed),
      total: format.number(preview.total),
    });

  return (
    <div
      className={`policy-preview${updating ? ' is-updating' : ''}`}
      aria-busy={updating || undefined}
      data-testid="policy-preview"
    >
      <p className="policy-preview-summary" role="status" aria-live="polite">
        {summary}
        {updating ? <span className="muted"> {t('preview.updating')}</span> : null}
      </p>
      <table className="data policy-counts">
        <caption>{t('preview.countsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('preview.level')}</th>
            <th scope="col">{t('preview.before')}</th>
            <th scope="col">{t('preview.after')}</th>
            <th scope="col">{t('preview.delta')}</th>
          </tr>
        </thead>
        <tbody>
          {temperatureLevels.map((level) => {
            const delta = preview.after[level] - preview.before[level];
            return (
              <tr key={level} data-level={level}>
                <th scope="row">
                  <TemperatureBadge level={level} />
                </th>
                <td className="num">{format.number(preview.before[level])}</td>
                <td className="num">{format.number(preview.after[level])}</td>
                <td className={`num ${delta === 0 ? 'muted' : 'policy-delta'}`}>{signed(delta)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <table className="data policy-moves">
        <caption>{t('preview.movesCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('preview.fromTo')}</th>
            {temperatureLevels.map((to) => (
              <th scope="col" key={to} className="num">
                {label('temperatureLevel', to, locale)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {temperatureLevels.map((from) => (
            <tr key={from}>
              <th scope="row">{label('temperatureLevel', from, locale)}</th>
              {temperatureLevels.map((to) => {
                const n = preview.moves[from][to];
                const kind = from === to ? 'stay' : n > 0 ? 'move' : 'none';
                return (
                  <td key={to} className={`num policy-move-${kind}`} data-from={from} data-to={to}>
                    {format.number(n)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
