import type {
  BatchKind,
  ClientKind,
  ConsentProofKind,
  ConsentPurpose,
  ContactChannel,
  CustomFieldType,
  EmailType,
  InteractionDirection,
  InteractionKind,
  Locale,
  PhoneType,
  Role,
  SourceChannel,
  Stage,
  TemperatureLevel,
} from '../vocabulary.ts';

/** Every closed vocabulary of `vocabulary.ts`, by the name `label()` takes, with its value type. */
export type VocabularyValues = {
  clientKind: ClientKind;
  stage: Stage;
  temperatureLevel: TemperatureLevel;
  sourceChannel: SourceChannel;
  contactChannel: ContactChannel;
  consentPurpose: ConsentPurpose;
  consentProofKind: ConsentProofKind;
  interactionKind: InteractionKind;
  interactionDirection: InteractionDirection;
  phoneType: PhoneType;
  emailType: EmailType;
  customFieldType: CustomFieldType;
  role: Role;
  batchKind: BatchKind;
  locale: Locale;
};
export type Vocabulary = keyof VocabularyValues;

/** One translation per value and locale; a value without a label is a compile error. */
export type VocabularyLabels = {
  [V in Vocabulary]: Record<Locale, Record<VocabularyValues[V], string>>;
};

/** UI labels, capitalised as they stand alone in a list, a badge or a column header. */
export const labels: VocabularyLabels = {
  clientKind: {
    ru: { person: 'Физическое лицо', company: 'Организация' },
    en: { person: 'Person', company: 'Company' },
  },
  stage: {
    ru: { prospect: 'Потенциальный', customer: 'Клиент', lapsed: 'Ушедший', archived: 'В архиве' },
    en: { prospect: 'Prospect', customer: 'Customer', lapsed: 'Lapsed', archived: 'Archived' },
  },
  temperatureLevel: {
    ru: { cold: 'Холодная', warm: 'Тёплая', hot: 'Горячая' },
    en: { cold: 'Cold', warm: 'Warm', hot: 'Hot' },
  },
  sourceChannel: {
    ru: {
      purchased_list: 'Купленная база',
      advertising: 'Реклама',
      referral: 'Рекомендация',
      web_form: 'Веб-форма',
      loyalty_card: 'Анкета карты лояльности',
      walk_in: 'Пришёл сам',
      import: 'Импорт',
      other: 'Другое',
    },
    en: {
      purchased_list: 'Purchased list',
      advertising: 'Advertising',
      referral: 'Referral',
      web_form: 'Web form',
      loyalty_card: 'Loyalty card questionnaire',
      walk_in: 'Walk-in',
      import: 'Import',
      other: 'Other',
    },
  },
  contactChannel: {
    ru: { email: 'Эл. почта', sms: 'SMS', phone_call: 'Телефонный звонок' },
    en: { email: 'E-mail', sms: 'SMS', phone_call: 'Phone call' },
  },
  consentPurpose: {
    ru: { service: 'Сервисные сообщения', marketing: 'Рекламные рассылки' },
    en: { service: 'Service messages', marketing: 'Marketing' },
  },
  consentProofKind: {
    ru: {
      web_form: 'Веб-форма',
      import_batch: 'Партия импорта',
      signed_paper: 'Подписанный документ',
      verbal: 'Устное согласие',
    },
    en: {
      web_form: 'Web form',
      import_batch: 'Import batch',
      signed_paper: 'Signed paper',
      verbal: 'Verbal consent',
    },
  },
  interactionKind: {
    ru: {
      call: 'Звонок',
      meeting: 'Встреча',
      negotiation: 'Переговоры',
      note: 'Заметка',
      message: 'Сообщение',
      inbound_request: 'Входящее обращение',
      web_form: 'Заявка с веб-формы',
    },
    en: {
      call: 'Call',
      meeting: 'Meeting',
      negotiation: 'Negotiation',
      note: 'Note',
      message: 'Message',
      inbound_request: 'Inbound request',
      web_form: 'Web form submission',
    },
  },
  interactionDirection: {
    ru: { inbound: 'Входящее', outbound: 'Исходящее' },
    en: { inbound: 'Inbound', outbound: 'Outbound' },
  },
  phoneType: {
    ru: { mobile: 'Мобильный', work: 'Рабочий', home: 'Домашний', other: 'Другой' },
    en: { mobile: 'Mobile', work: 'Work', home: 'Home', other: 'Other' },
  },
  emailType: {
    ru: { work: 'Рабочий', personal: 'Личный', other: 'Другой' },
    en: { work: 'Work', personal: 'Personal', other: 'Other' },
  },
  customFieldType: {
    ru: { text: 'Текст', number: 'Число', date: 'Дата', boolean: 'Да/нет', one_of: 'Выбор из списка' },
    en: { text: 'Text', number: 'Number', date: 'Date', boolean: 'Yes/no', one_of: 'One of a list' },
  },
  role: {
    ru: { owner: 'Владелец', admin: 'Администратор', manager: 'Менеджер', viewer: 'Наблюдатель' },
    en: { owner: 'Owner', admin: 'Administrator', manager: 'Manager', viewer: 'Viewer' },
  },
  batchKind: {
    ru: {
      purchased_list: 'Купленная база',
      import: 'Импорт файла',
      paper: 'Бумажные записи',
      other_system: 'Другая система',
      other: 'Другое',
    },
    en: {
      purchased_list: 'Purchased list',
      import: 'File import',
      paper: 'Paper records',
      other_system: 'Another system',
      other: 'Other',
    },
  },
  locale: {
    ru: { ru: 'Русский', en: 'Английский' },
    en: { ru: 'Russian', en: 'English' },
  },
};

/** The label of one vocabulary value, e.g. `label('stage', 'lapsed', 'ru')` → «Ушедший». */
export function label<V extends Vocabulary>(
  vocabulary: V,
  value: VocabularyValues[V],
  locale: Locale,
): string {
  const byValue: Record<VocabularyValues[V], string> = labels[vocabulary][locale];
  return byValue[value];
}
