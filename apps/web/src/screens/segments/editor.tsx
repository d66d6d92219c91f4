import { useTranslation } from 'react-i18next';
import { Page } from '../../ui/page.tsx';

export default function SegmentEditor() {
  const { t } = useTranslation('segments');
  return <Page title={t('title')}>{null}</Page>;
}
