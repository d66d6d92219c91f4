import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../../app/session.tsx';
import { useFormat } from '../../i18n/format.ts';
import { activityTitle, isOverdue, type Summary } from './charts.ts';

type ActivityItem = Summary['recentActivity'][number];
type TaskItem = Summary['openTasks']['items'][number];

/** A link to the client's card, or a plain note when the entry belongs to no client. */
function ClientRef({ id, name }: { id: string | null; name: string | null }) {
  const { t } = useTranslation('dashboard');
  if (!id) return <span className="muted">{t('activity.noClient')}</span>;
  return <Link to={`/clients/${id}`}>{name || t('activity.unnamedClient')}</Link>;
}

/**
 * The latest interactions, purchases, payments and tasks across the base, newest first. An entry is
 * never in the future (the API stops at its "now"), so a browser clock behind the server's reads "now".
 */
export function ActivityList({ items, now }: { items: ActivityItem[]; now: Date }) {
  const { t } = useTranslation('dashboard');
  const fmt = useFormat();
  if (items.length === 0) return <p className="muted">{t('activity.empty')}</p>;
  return (
    <ul className="feed">
      {items.map((item) => {
        const title = activityTitle(item, t);
        return (
          <li key={`${item.kind}-${item.id}`} className="feed-item">
            <span className={`badge feed-kind feed-kind-${item.kind}`}>
              {t(`activity.kind.${item.kind}`)}
            </span>
            <div className="feed-body">
              {title || item.amountKopecks !== null ? (
                <p className="feed-title">
                  {title ? <span className="feed-text">{title}</span> : null}
                  {item.amountKopecks !== null ? (
                    <span className="feed-amount">{fmt.money(item.amountKopecks)}</span>
                  ) : null}
                </p>
              ) : null}
              <p className="feed-meta">
                <ClientRef id={item.clientId} name={item.clientName} />
                <span className="feed-when">
                  <span aria-hidden="true">· </span>
                  <time className="muted" dateTime={item.at} title={fmt.dateTime(item.at)}>
                    {fmt.relative(new Date(Math.min(Date.parse(item.at), now.getTime())), now)}
                  </time>
                </span>
              </p>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** The open tasks due soonest, overdue ones marked in words as well as colour. */
export function TaskList({ tasks, now }: { tasks: Summary['openTasks']; now: Date }) {
  const { t } = useTranslation('dashboard');
  const fmt = useFormat();
  const me = useSession();
  if (tasks.items.length === 0) return <p className="muted">{t('tasks.empty')}</p>;
  return (
    <>
      <ul className="feed">
        {tasks.items.map((task: TaskItem) => {
          const overdue = isOverdue(task.dueAt, now);
          return (
            <li key={task.id} className={`feed-item${overdue ? ' feed-item-overdue' : ''}`}>
              <div className="feed-body">
                <p className="feed-title">
                  <span className="feed-text">{task.title}</span>
                  {task.assigneeId && task.assigneeId === me.user.id ? (
                    <span className="badge">{t('tasks.mine')}</span>
                  ) : null}
                </p>
                <p className="feed-meta">
                  {task.dueAt ? (
                    <time
                      className={overdue ? 'task-due-overdue' : 'muted'}
                      dateTime={task.dueAt}
                      title={fmt.dateTime(task.dueAt)}
                    >
                      {t('tasks.due', { date: fmt.date(task.dueAt) })}
                    </time>
                  ) : (
                    <span className="muted">{t('tasks.noDue')}</span>
                  )}
                  {overdue ? <span className="badge badge-hot">{t('tasks.overdue')}</span> : null}
                  <span aria-hidden="true"> · </span>
                  <ClientRef id={task.clientId} name={task.clientName} />
                </p>
              </div>
            </li>
          );
        })}
      </ul>
      {tasks.count > tasks.items.length ? (
        <p className="muted feed-more">
          {t('tasks.shown', { shown: fmt.number(tasks.items.length), total: fmt.number(tasks.count) })}
        </p>
      ) : null}
    </>
  );
}
