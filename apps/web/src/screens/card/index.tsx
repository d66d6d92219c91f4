import { useTranslation } from 'react-i18next';
import { Page } from '../../ui/page.tsx';

export default function Screen() {
  const { t } = useTranslation('card');
  return <Page title={t('title')}>{null}</Page>;
}
