import type { SegmentRule } from '@cb/domain';
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { addMembership, createUser, createWorkspace } from '../queries/workspaces.ts';
import { batches } from '../schema/batches.ts';
import { segments } from '../schema/segments.ts';
import { users } from '../schema/users.ts';
import { workspaces } from '../schema/workspaces.ts';
import { bulkInsertBase } from './bulk.ts';
import { generateBase } from './generate.ts';

export const DEMO_WORKSPACE_NAME = 'Демо: ООО «Ромашка»';
export const DEMO_OWNER_EMAIL = 'demo@clientbase.local';

const demoSegments: { name: string; rule: SegmentRule }[] = [
  { name: 'Горячие', rule: { type: 'condition', field: 'temperature', op: 'in', values: ['hot'] } },
  {
    name: 'Давно не покупали (90+ дней)',
    rule: {
      type: 'and',
      rules: [
        { type: 'condition', field: 'stage', op: 'in', values: ['customer', 'lapsed'] },
        { type: 'condition', metric: 'daysSinceLastPurchase', op: 'gte', value: 90 },
      ],
    },
  },
  {
    name: 'Купили на 100 000 ₽ за год',
    rule: { type: 'condition', metric: 'purchaseSum', windowDays: 365, op: 'gte', value: 100_000 },
  },
  {
    name: 'Можно писать: e-mail, маркетинг',
    rule: { type: 'condition', field: 'hasConsent', channel: 'email', purpose: 'marketing' },
  },
  {
    name: 'Москва, VIP',
    rule: {
      type: 'and',
      rules: [
        { type: 'condition', field: 'city', op: 'in', values: ['Москва'] },
        { type: 'condition', field: 'tags', op: 'hasAny', values: ['vip'] },
      ],
    },
  },
];

export type DemoResult = { workspaceId: string; ownerEmail: string; created: boolean; clients: number };

/**
 * The demo workspace: ~2,000 Russian people and companies with a year of history, a purchased
 * list as a batch, consents with proof, a team of four and a few live segments. Seeded, so the
 * same every time; created once (a second call finds it and returns it).
 */
export async function seedDemoWorkspace(
  db: Executor,
  options: { now: Date; ownerPasswordHash: string; clients?: number; seed?: number },
): Promise<DemoResult> {
  const [existing] = await db
    .select({ id: workspaces.id })
    .from(workspaces)
    .innerJoin(users, eq(users.email, DEMO_OWNER_EMAIL))
    .where(eq(workspaces.name, DEMO_WORKSPACE_NAME))
    .limit(1);
  if (existing) return { workspaceId: existing.id, ownerEmail: DEMO_OWNER_EMAIL, created: false, clients: 0 };

  const result = await db.transaction(async (tx) => {
    const workspace = await createWorkspace(tx, {
      name: DEMO_WORKSPACE_NAME,
      settings: { defaultRegion: 'RU', lapsedAfterDays: 180 },
    });
    const team = [
      {
        email: DEMO_OWNER_EMAIL,
        name: 'Ольга Демидова',
        role: 'owner' as const,
        hash: options.ownerPasswordHash,
      },
      { email: 'manager1@clientbase.local', name: 'Игорь Мартынов', role: 'manager' as const, hash: null },
      { email: 'manager2@clientbase.local', name: 'Светлана Ким', role: 'manager' as const, hash: null },
      { email: 'viewer@clientbase.local', name: 'Павел Гуров', role: 'viewer' as const, hash: null },
    ];
    const members = [];
    for (const person of team) {
      const user = await createUser(tx, {
        email: person.email,
        name: person.name,
        passwordHash: person.hash,
      });
      await addMembership(tx, { workspaceId: workspace.id, userId: user.id, role: person.role });
      members.push(user);
    }
    const managers = members.slice(0, 3).map((m) => m.id);
    const data = generateBase({
      seed: options.seed ?? 2026,
      clients: options.clients ?? 2_000,
      now: options.now,
      ownerIds: managers,
    });
    await bulkInsertBase(tx, workspace.id, data);

    const [list] = await tx
      .insert(batches)
      .values({
        workspaceId: workspace.id,
        kind: 'purchased_list',
        name: 'База «Бизнес-контакты 2026»',
        vendor: 'ООО «ДатаЛид»',
        acquiredOn: new Date(options.now.getTime() - 200 * 86_400_000).toISOString().slice(0, 10),
        costKopecks: 25_000_00,
      })
      .returning();
    await tx.execute(sql`update clients set source_batch_id = ${list!.id}
      where workspace_id = ${workspace.id} and source_channel = 'purchased_list'`);
    // Consents with proof: web-form e-mail opt-ins and signed paper SMS consents, set-based.
    await tx.execute(sql`
      insert into consents (workspace_id, client_id, channel, purpose, granted, at, proof)
      select c.workspace_id, c.id, 'email', 'marketing', true, c.created_at,
             jsonb_build_object('kind', 'web_form', 'formId', 'subscribe')
      from clients c join client_emails e on e.client_id = c.id
      where c.workspace_id = ${workspace.id} and get_byte(decode(md5(c.id::text), 'hex'), 0) < 160`);
    await tx.execute(sql`
      insert into consents (workspace_id, client_id, channel, purpose, granted, at, proof)
      select c.workspace_id, c.id, 'sms', 'marketing', true, c.created_at,
             jsonb_build_object('kind', 'signed_paper', 'documentRef', 'Анкета карты лояльности')
      from clients c join client_phones p on p.client_id = c.id
      where c.workspace_id = ${workspace.id} and get_byte(decode(md5(c.id::text), 'hex'), 1) < 100`);
    await tx
      .insert(segments)
      .values(demoSegments.map((s) => ({ workspaceId: workspace.id, name: s.name, rule: s.rule })));
    return {
      workspaceId: workspace.id,
      ownerEmail: DEMO_OWNER_EMAIL,
      created: true,
      clients: data.clients.length,
    };
  });
  // Fresh statistics for the planner: PGlite has no autovacuum, and a plan made for empty tables
  // (nested loops over thousands of rows) turns a preview of seconds into minutes.
  await db.execute(sql`analyze`);
  return result;
}
