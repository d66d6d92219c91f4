import { label } from '@cb/domain';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat, useLocale } from '../../i18n/format.ts';
import { TemperatureBadge } from '../../ui/badges.tsx';
import type { ClientCard } from './client-form.ts';
import { Term } from './profile.tsx';

function Verified({ at }: { at: string | null }) {
  const { t } = useTranslation('card');
  const format = useFormat();
  if (!at) return <span className="muted verified-no">{t('contacts.notVerified')}</span>;
  return (
    <span className="verified" title={format.dateTime(at)}>
      <span aria-hidden="true">✓ </span>
      {t('contacts.verified', { date: format.date(at) })}
    </span>
  );
}

export function ContactsPanel({ card }: { card: ClientCard }) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  return (
    <section className="panel" aria-labelledby="contacts-heading">
      <h2 id="contacts-heading">{t('contacts.title')}</h2>
      <h3>{t('form.phones')}</h3>
      {card.phones.length === 0 ? (
        <p className="muted">{t('contacts.noPhones')}</p>
      ) : (
        <ul className="contact-list">
          {card.phones.map((p) => (
            <li key={p.e164}>
              <a href={`tel:${p.e164}`}>{p.display}</a>{' '}
              <span className="muted">{label('phoneType', p.type, locale)}</span>{' '}
              <Verified at={p.verifiedAt} />
            </li>
          ))}
        </ul>
      )}
      <h3>{t('form.emails')}</h3>
      {card.emails.length === 0 ? (
        <p className="muted">{t('contacts.noEmails')}</p>
      ) : (
        <ul className="contact-list">
          {card.emails.map((e) => (
            <li key={e.address}>
              <a href={`mailto:${e.address}`}>{e.address}</a>{' '}
              <span className="muted">{label('emailType', e.type, locale)}</span>{' '}
              <Verified at={e.verifiedAt} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A batch that created or updated the client, as `clients.get` lists them in `source.batches`. */
/** The batches that touched the client, newest first (at most 20 of `total`). */
type SourceBatches = ClientCard['source']['batches'];

/** «Создан из партии …» / «Обновлён партией …», each with its kind, vendor, cost and date. */
function SourceBatchList({ batches }: { batches: SourceBatches }) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  const format = useFormat();
  if (batches.items.length === 0) return null;
  const more = batches.total - batches.items.length;
  return (
    <>
      <h3>{t('source.batches')}</h3>
      <ul className="contact-list" data-testid="source-batches">
        {batches.items.map((b) => (
          <li key={b.id}>
            {b.action === 'created'
              ? t('source.createdFrom', { name: b.name })
              : t('source.updatedBy', { name: b.name })}
            <span className="muted">
              {' · '}
              {label('batchKind', b.kind, locale)}
              {b.vendor ? ` · ${b.vendor}` : null}
              {b.cost ? ` · ${format.money(b.cost.kopecks, b.cost.currency)}` : null}
              {` · ${format.date(b.at)}`}
            </span>
          </li>
        ))}
      </ul>
      {more > 0 ? <p className="muted">{t('source.moreBatches', { count: more })}</p> : null}
    </>
  );
}

export function SourcePanel({ card }: { card: ClientCard }) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  const source = card.source;
  const batches = source.batches;
  // The creating batch is already a line of the list; the term is for when the list lacks it.
  const batchListed = batches.items.some((b) => b.id === source.batch?.id);
  const details = (() => {
    switch (source.channel) {
      case 'purchased_list':
      case 'import':
        return card.source.batch && !batchListed ? (
          <Term term={t('source.batch')}>
            {card.source.batch.name}
            {card.source.batch.vendor ? <span className="muted"> · {card.source.batch.vendor}</span> : null}
          </Term>
        ) : null;
      case 'advertising':
        return (
          <>
            <Term term={t('form.campaign')}>{source.campaign}</Term>
            {source.utm
              ? Object.entries(source.utm).map(([k, v]) => (
                  <Term key={k} term={`utm_${k}`}>
                    {v}
                  </Term>
                ))
              : null}
          </>
        );
      case 'referral':
        return (
          <Term term={t('form.referrer')}>
            {card.source.referrer ? (
              <Link to={`/clients/${card.source.referrer.id}`}>{card.source.referrer.displayName}</Link>
            ) : null}
          </Term>
        );
      case 'web_form':
        return (
          <>
            <Term term={t('form.formId')}>{source.formId}</Term>
            <Term term={t('form.url')}>{source.url}</Term>
          </>
        );
      case 'loyalty_card':
        return <Term term={t('form.cardNumber')}>{source.cardNumber}</Term>;
      case 'other':
        return source.detail ? <Term term={t('form.sourceDetail')}>{source.detail}</Term> : null;
      case 'walk_in':
        return null;
    }
  })();
  return (
    <section className="panel" aria-labelledby="source-heading">
      <h2 id="source-heading">{t('source.title')}</h2>
      <dl className="terms">
        <Term term={t('form.sourceChannel')}>{label('sourceChannel', source.channel, locale)}</Term>
        {details}
      </dl>
      <SourceBatchList batches={batches} />
    </section>
  );
}

export function TemperaturePanel({ card }: { card: ClientCard }) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  const format = useFormat();
  const temperature = card.temperature;
  return (
    <section className="panel" aria-labelledby="temperature-heading" data-testid="temperature">
      <div className="panel-header">
        <h2 id="temperature-heading">{t('temperature.title')}</h2>
        <TemperatureBadge level={temperature?.level ?? null} score={temperature?.score ?? null} />
      </div>
      {temperature ? (
        <>
          <p className="muted">
            {t('temperature.assessedAt', { date: format.dateTime(temperature.assessedAt) })}
          </p>
          {temperature.reasons.length > 0 ? (
            <ul className="reasons" data-testid="temperature-reasons">
              {temperature.reasons.map((r) => (
                <li key={r.signal} className={r.points >= 0 ? 'reason-plus' : 'reason-minus'}>
                  {r.text[locale]}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted" data-testid="temperature-reasons">
              {t('temperature.noReasons')}
            </p>
          )}
        </>
      ) : (
        <p className="muted">{t('temperature.none')}</p>
      )}
    </section>
  );
}

export function SegmentsPanel({ card }: { card: ClientCard }) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  const format = useFormat();
  const rfm = card.rfm;
  return (
    <section className="panel" aria-labelledby="segments-heading">
      <h2 id="segments-heading">{t('segments.title')}</h2>
      {card.segments.length === 0 ? (
        <p className="muted">{t('segments.none')}</p>
      ) : (
        <ul className="segment-list">
          {card.segments.map((s) => (
            <li key={s.id}>
              <Link to={`/segments/${s.id}`}>{s.name}</Link>{' '}
              <span className="muted">{t('segments.since', { date: format.date(s.enteredAt) })}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('rfm.title')}</h3>
      <p>
        <strong>{rfm.label[locale]}</strong>
      </p>
      {rfm.r !== null ? (
        <dl className="terms rfm">
          <Term term={t('rfm.r')}>{rfm.r}</Term>
          <Term term={t('rfm.f')}>{rfm.f}</Term>
          <Term term={t('rfm.m')}>{rfm.m}</Term>
          <Term term={t('rfm.purchases')}>{format.number(rfm.purchaseCount)}</Term>
          <Term term={t('rfm.monetary')}>{format.money(rfm.monetaryKopecks)}</Term>
          <Term term={t('rfm.lastPurchase')}>
            {rfm.lastPurchaseAt ? format.date(rfm.lastPurchaseAt) : null}
          </Term>
        </dl>
      ) : null}
    </section>
  );
}
