/**
 * A progress bar screen readers can follow: `role="progressbar"` with its value, bounds and a text
 * ("1 234 из 10 000 строк"). Without a known maximum it is indeterminate (no `aria-valuenow`).
 */
export function ProgressBar({
  label,
  value,
  max,
  valueText,
  testId,
}: {
  label: string;
  value: number;
  max: number | null;
  valueText: string;
  testId?: string;
}) {
  const known = max !== null && max > 0;
  const percent = known ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  return (
    <div className="progress">
      <div
        className={`progress-track${known ? '' : ' progress-indeterminate'}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={known ? max : undefined}
        aria-valuenow={known ? Math.min(value, max) : undefined}
        aria-valuetext={valueText}
        data-testid={testId}
      >
        <div className="progress-fill" style={{ width: known ? `${percent}%` : undefined }} />
      </div>
      <span className="progress-text" aria-hidden="true">
        {valueText}
      </span>
    </div>
  );
}
