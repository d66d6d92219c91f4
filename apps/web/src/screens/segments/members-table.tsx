import { useTranslation } from 'react-i18next';
import { trpc } from '../../api/trpc.ts';
import { useFormat } from '../../i18n/format.ts';
import { ClientTable, type ColumnKey, type ExtraColumn } from '../clients/client-table.tsx';

const COLUMNS: readonly ColumnKey[] = ['name', 'temperature', 'stage', 'phone', 'city', 'owner'];

/** The segment's current members, keyset-paged, with when each entered the segment. */
export function MembersTable({ segmentId }: { segmentId: string }) {
  const { t } = useTranslation('segments');
  const format = useFormat();
  const since: ExtraColumn = {
    key: 'enteredAt',
    header: t('members.since'),
    cell: (row) => (typeof row.enteredAt === 'string' ? format.date(row.enteredAt) : '—'),
  };
  return (
    <ClientTable
      queryKey={['segments', 'members', { id: segmentId }]}
      fetchPage={(cursor) => trpc.segments.members.query({ id: segmentId, cursor })}
      columns={COLUMNS}
      extraColumns={[since]}
      emptyTitle={t('members.empty')}
      label={t('members.caption')}
    />
  );
}
