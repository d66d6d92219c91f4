import type { Locale } from '@cb/domain/vocabulary';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import enAuth from './en/auth.ts';
import enCard from './en/card.ts';
import enClients from './en/clients.ts';
import enCommon from './en/common.ts';
import enDashboard from './en/dashboard.ts';
import enDuplicates from './en/duplicates.ts';
import enImports from './en/imports.ts';
import enSegments from './en/segments.ts';
import enSettings from './en/settings.ts';
import ruAuth from './ru/auth.ts';
import ruCard from './ru/card.ts';
import ruClients from './ru/clients.ts';
import ruCommon from './ru/common.ts';
import ruDashboard from './ru/dashboard.ts';
import ruDuplicates from './ru/duplicates.ts';
import ruImports from './ru/imports.ts';
import ruSegments from './ru/segments.ts';
import ruSettings from './ru/settings.ts';

/** One namespace per screen; each screen's strings live in its own pair of files. */
export const resources = {
  ru: {
    common: ruCommon,
    auth: ruAuth,
    clients: ruClients,
    card: ruCard,
    segments: ruSegments,
    dashboard: ruDashboard,
    settings: ruSettings,
    imports: ruImports,
    duplicates: ruDuplicates,
  },
  en: {
    common: enCommon,
    auth: enAuth,
    clients: enClients,
    card: enCard,
    segments: enSegments,
    dashboard: enDashboard,
    settings: enSettings,
    imports: enImports,
    duplicates: enDuplicates,
  },
} as const;

const STORAGE_KEY = 'cb.locale';

export function storedLocale(): Locale {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ru';
  } catch {
    return 'ru';
  }
}

/** Russian unless the user chose English; the choice is kept in this browser. */
export function initI18n(locale: Locale = storedLocale()) {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      resources,
      lng: locale,
      fallbackLng: 'ru',
      defaultNS: 'common',
      ns: Object.keys(resources.ru),
      interpolation: { escapeValue: false },
      returnNull: false,
      showSupportNotice: false,
    });
    i18next.on('languageChanged', (lng) => {
      if (typeof document !== 'undefined') document.documentElement.lang = lng;
    });
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  return i18next;
}

export function setLocale(locale: Locale) {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // A browser without storage still switches for this visit.
  }
  void i18next.changeLanguage(locale);
}

export { i18next };
