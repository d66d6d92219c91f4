import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useLocation } from 'react-router';
import { useCan } from '../../app/session.tsx';
import { Page } from '../../ui/page.tsx';
import { AuditTab } from './audit.tsx';
import { FieldsTab } from './fields.tsx';
import { MembersTab } from './members.tsx';
import { TemperatureTab } from './temperature.tsx';
import { TokensTab } from './tokens.tsx';
import { WorkspaceTab } from './workspace.tsx';
import './settings.css';

type TabId = 'temperature' | 'fields' | 'members' | 'tokens' | 'audit' | 'workspace';

/** The tabs in order; `admin` marks the ones the API keeps to admins (their content says so). */
const tabs: readonly { id: TabId; admin: boolean }[] = [
  { id: 'temperature', admin: false },
  { id: 'fields', admin: false },
  { id: 'members', admin: false },
  { id: 'tokens', admin: false },
  { id: 'audit', admin: true },
  { id: 'workspace', admin: true },
];

/** The tab a settings path shows: `/settings` is the temperature policy. */
export function currentTab(pathname: string): TabId | null {
  const rest = pathname.replace(/^\/settings\/?/, '').split('/')[0] ?? '';
  if (rest === '') return 'temperature';
  return tabs.some((tab) => tab.id === rest) ? (rest as TabId) : null;
}

export default function Settings() {
  const { t } = useTranslation('settings');
  const location = useLocation();
  const isAdmin = useCan('admin');
  const active = currentTab(location.pathname);
  return (
    <Page title={t('title')}>
      <nav aria-label={t('tabsLabel')} className="settings-tabs">
        <ul>
          {tabs.map((tab) => (
            <li key={tab.id}>
              <Link
                to={`/settings/${tab.id}`}
                aria-current={active === tab.id ? 'page' : undefined}
                className={active === tab.id ? 'active' : undefined}
              >
                {t(`tabs.${tab.id}`)}
                {tab.admin && !isAdmin ? <span className="sr-only"> {t('tabs.adminOnly')}</span> : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-body">
        <Routes>
          <Route index element={<TemperatureTab />} />
          <Route path="temperature" element={<TemperatureTab />} />
          <Route path="fields" element={<FieldsTab />} />
          <Route path="members" element={<MembersTab />} />
          <Route path="tokens" element={<TokensTab />} />
          <Route path="audit" element={<AuditTab />} />
          <Route path="workspace" element={<WorkspaceTab />} />
          <Route path="*" element={<UnknownTab />} />
        </Routes>
      </div>
    </Page>
  );
}

function UnknownTab() {
  const { t } = useTranslation('settings');
  return (
    <section>
      <h2>{t('unknownTab')}</h2>
      <Link to="/settings">{t('tabs.temperature')}</Link>
    </section>
  );
}
