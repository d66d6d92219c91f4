import { type SQL, sql } from 'drizzle-orm';

/**
 * The benchmark's yardstick: the temperature part of a workspace recompute under the DEFAULT
 * policy, written by hand as one statement with the policy's numbers typed in, as one would
 * without a policy compiler. It does the same work as the compiled recompute: the same history
 * reads, the same float8 math and rounding (`floor(x + 0.5)`, ages from millisecond epochs), the
 * same reasons jsonb, the same columns written (level, score, reasons, temperature_at, only where
 * something changed) and the same temperature_history rows. Returns one row `{ changed }`.
 *
 * Defaults typed in (see `@cb/domain` ZTemperaturePolicy): base 0, warm 35, hot 65, window 365 d;
 * last purchase 35 (half-life 30 d); count 15 at 5; sum 10 at 10 000 000 kopecks; last interaction
 * (half-life 30 d) call 15, meeting 25, negotiation 30, message 10, inbound_request 15, web_form 15,
 * note 0; inbound 40 (half-life 14 d); source purchased_list −15, advertising 5, referral 20,
 * web_form 15, loyalty_card 10, walk_in 10; open tasks 5, overdue 2, at most 10.
 */
export function baselineTemperatureSql(params: { workspaceId: string; now: Date }): SQL {
  const nowMs = params.now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('baselineTemperatureSql: now is not a valid date');
  const ws = sql`${params.workspaceId}::uuid`;
  const now = sql`${params.now.toISOString()}::timestamptz`;
  const nowPlus1 = sql`${new Date(nowMs + 1).toISOString()}::timestamptz`;
  const windowStart = sql`${new Date(nowMs - 365 * 86_400_000).toISOString()}::timestamptz`;
  const nowEpoch = sql`${nowMs}::bigint`;
  return sql`
with p as (
  select client_id,
    (extract(epoch from date_trunc('milliseconds', max(at))) * 1000)::bigint as last_ms,
    count(*) filter (where at >= ${windowStart}) as n,
    coalesce(sum(amount_kopecks) filter (where at >= ${windowStart}), 0) as total
  from purchases
  where workspace_id = ${ws} and at < ${nowPlus1}
  group by client_id
), i as (
  select client_id, (extract(epoch from date_trunc('milliseconds', at)) * 1000)::bigint as at_ms, kind, direction,
    case kind when 'call' then 15 when 'meeting' then 25 when 'negotiation' then 30 when 'message' then 10
      when 'inbound_request' then 15 when 'web_form' then 15 else 0 end::float8 as weight,
    array_position(array['call', 'meeting', 'negotiation', 'note', 'message', 'inbound_request', 'web_form'], kind) as kind_ord,
    array_position(array['inbound', 'outbound'], direction) as dir_ord
  from interactions
  where workspace_id = ${ws} and at < ${nowPlus1}
), contact as (
  select distinct on (client_id) client_id, at_ms, kind, direction, weight
  from i where kind in ('call', 'meeting', 'negotiation', 'message', 'inbound_request', 'web_form')
  order by client_id, at_ms desc, weight desc, kind_ord, dir_ord
), inbound as (
  select distinct on (client_id) client_id, at_ms, kind
  from i where kind in ('inbound_request', 'web_form') or direction = 'inbound'
  order by client_id, at_ms desc, kind_ord, dir_ord
), t as (
  select client_id,
    count(*) filter (where due_at is null or due_at >= ${now}) as scheduled,
    count(*) filter (where due_at < ${now}) as overdue
  from tasks
  where workspace_id = ${ws} and (done_at is null or done_at >= ${nowPlus1})
  group by client_id
), pts as materialized (
  select c.id, c.workspace_id, c.source_channel,
    c.temperature_level as old_level, c.temperature_score as old_score,
    c.temperature_reasons as old_reasons, c.temperature_at as old_at,
    p.last_ms, p.n, p.total, contact.at_ms as contact_ms, contact.kind as contact_kind,
    contact.direction as contact_direction, inbound.at_ms as inbound_ms, inbound.kind as inbound_kind,
    t.scheduled, t.overdue,
    coalesce(floor(case when (${nowEpoch} - p.last_ms)::float8 / 86400000 > 1800 then 0
      else 35 * power(0.5::float8, (${nowEpoch} - p.last_ms)::float8 / 86400000 / 30) end + 0.5)::int, 0) as last_purchase,
    case when coalesce(p.n, 0) = 0 then 0 else floor(15 * least(1, p.n::float8 / 5) + 0.5)::int end as purchases_in_window,
    case when coalesce(p.n, 0) = 0 then 0
      else floor(10 * least(1, p.total::float8 / 10000000) + 0.5)::int end as purchase_sum_in_window,
    coalesce(floor(case when (${nowEpoch} - contact.at_ms)::float8 / 86400000 > 1800 then 0
      else contact.weight * power(0.5::float8, (${nowEpoch} - contact.at_ms)::float8 / 86400000 / 30) end + 0.5)::int, 0)
      as last_interaction,
    coalesce(floor(case when (${nowEpoch} - inbound.at_ms)::float8 / 86400000 > 840 then 0
      else 40 * power(0.5::float8, (${nowEpoch} - inbound.at_ms)::float8 / 86400000 / 14) end + 0.5)::int, 0)
      as inbound_request,
    case c.source_channel when 'purchased_list' then -15 when 'advertising' then 5 when 'referral' then 20
      when 'web_form' then 15 when 'loyalty_card' then 10 when 'walk_in' then 10 else 0 end as source_channel_points,
    case when t.client_id is null then 0 else floor(least(10, t.scheduled * 5 + t.overdue * 2) + 0.5)::int end
      as open_tasks
  from clients c
  left join p on p.client_id = c.id
  left join contact on contact.client_id = c.id
  left join inbound on inbound.client_id = c.id
  left join t on t.client_id = c.id
  where c.workspace_id = ${ws}
), scored as (
  select pts.*,
    least(100, greatest(0, last_purchase + purchases_in_window + purchase_sum_in_window + last_interaction
      + inbound_request + source_channel_points + open_tasks)) as score,
    (select coalesce(jsonb_agg(case r.ord
        when 0 then jsonb_build_object('signal', 'last_purchase', 'points', r.points,
          'detail', jsonb_build_object('days', floor((${nowEpoch} - last_ms)::float8 / 86400000)::bigint))
        when 1 then jsonb_build_object('signal', 'purchases_in_window', 'points', r.points,
          'detail', jsonb_build_object('count', n, 'windowDays', 365))
        when 2 then jsonb_build_object('signal', 'purchase_sum_in_window', 'points', r.points,
          'detail', jsonb_build_object('sumKopecks', total, 'sumRub', total::float8 / 100, 'windowDays', 365))
        when 3 then jsonb_build_object('signal', 'last_interaction', 'points', r.points,
          'detail', jsonb_build_object('days', floor((${nowEpoch} - contact_ms)::float8 / 86400000)::bigint,
            'kind', contact_kind, 'direction', contact_direction))
        when 4 then jsonb_build_object('signal', 'inbound_request', 'points', r.points,
          'detail', jsonb_build_object('days', floor((${nowEpoch} - inbound_ms)::float8 / 86400000)::bigint,
            'kind', inbound_kind))
        when 5 then jsonb_build_object('signal', 'source_channel', 'points', r.points,
          'detail', jsonb_build_object('channel', source_channel))
        when 6 then jsonb_build_object('signal', 'open_tasks', 'points', r.points,
          'detail', jsonb_build_object('count', scheduled + overdue, 'overdue', overdue))
      end order by abs(r.points) desc, r.ord), '[]'::jsonb)
      from (values (0, last_purchase), (1, purchases_in_window), (2, purchase_sum_in_window), (3, last_interaction),
        (4, inbound_request), (5, source_channel_points), (6, open_tasks)) as r(ord, points)
      where r.points <> 0) as reasons
  from pts
), assessed as (
  select scored.*, case when score >= 65 then 'hot' when score >= 35 then 'warm' else 'cold' end as level
  from scored
), updated as (
  update clients set temperature_level = a.level, temperature_score = a.score,
    temperature_reasons = a.reasons, temperature_at = ${now}
  from assessed a
  where clients.id = a.id
    and (a.old_at is null or a.old_level is distinct from a.level
      or a.old_score is distinct from a.score or a.old_reasons is distinct from a.reasons)
  returning a.id, a.workspace_id, a.level, a.score, a.reasons, a.old_level, a.old_score
), history as (
  insert into temperature_history (workspace_id, client_id, at, level, score, reasons)
  select workspace_id, id, ${now}, level, score, reasons from updated
  where old_level is distinct from level or old_score is distinct from score
  returning 1
)
select (select count(*) from history)::int as changed`;
}
