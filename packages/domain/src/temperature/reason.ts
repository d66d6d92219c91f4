/** The signals a temperature policy scores. Each reason names one and says how many points it gave. */
export const temperatureSignals = [
  'last_purchase',
  'purchases_in_window',
  'purchase_sum_in_window',
  'last_interaction',
  'inbound_request',
  'source_channel',
  'open_tasks',
] as const;
export type TemperatureSignal = (typeof temperatureSignals)[number];

export type TemperatureReason = {
  signal: TemperatureSignal;
  /** Points this signal contributed after decay (may be negative), rounded to an integer. */
  points: number;
  /** Values the RU and EN renderings fill in (days, counts, roubles, kinds). */
  detail: Record<string, string | number>;
};
