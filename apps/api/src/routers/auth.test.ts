import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, Caller, failure, openTestApp, signUp, type TestApp } from '../testing/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('sign up, me, sign out, sign in', () => {
  it('creates a workspace owned by the new user and signs them in with a safe cookie', async () => {
    const { caller, me, email, password } = await signUp(t.app, { workspaceName: 'Ромашка' });
    expect(me).toMatchObject({
      user: { email },
      workspace: { name: 'Ромашка', region: 'RU' },
      role: 'owner',
      via: 'session',
    });
    const cookie = caller.lastSetCookies.find((c) => c.startsWith('cb_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    expect(caller.cookie).toMatch(/^[\w-]{43}$/);

    expect(await caller.trpc.auth.me.query()).toEqual(me);
    await caller.trpc.auth.signOut.mutate();
    expect(caller.cookie).toBeNull();
    await failure(caller.trpc.auth.me.query(), 'UNAUTHORIZED');

    const again = new Caller(t.app);
    const signedIn = await again.trpc.auth.signIn.mutate({ email: email.toUpperCase(), password });
    expect(signedIn.workspace).toEqual(me.workspace);
  });

  it('refuses an e-mail that is taken, naming the field', async () => {
    const { email } = await signUp(t.app);
    const error = await failure(
      new Caller(t.app).trpc.auth.signUp.mutate({
        email,
        password: 'another password',
        name: 'X',
        workspaceName: 'Y',
      }),
      'CONFLICT',
    );
    expect(error.conflict?.field).toBe('email');
  });

  it('refuses a bad e-mail and a short password with one issue per field', async () => {
    const error = await failure(
      new Caller(t.app).trpc.auth.signUp.mutate({
        email: 'x',
        password: 'short',
        name: 'X',
        workspaceName: 'Y',
      }),
      'BAD_REQUEST',
    );
    expect(error.issues?.map((i) => i.field)).toEqual(['password']);
    const badEmail = await failure(
      new Caller(t.app).trpc.auth.signUp.mutate({
        email: 'not an email',
        password: 'long enough',
        name: 'X',
        workspaceName: 'Y',
      }),
      'BAD_REQUEST',
    );
    expect(badEmail.issues?.map((i) => i.field)).toEqual(['email']);
  });

  it('says the same for an unknown e-mail and a wrong password', async () => {
    const { email } = await signUp(t.app);
    const wrong = await failure(
      new Caller(t.app).trpc.auth.signIn.mutate({ email, password: 'wrong one' }),
      'UNAUTHORIZED',
    );
    const unknown = await failure(
      new Caller(t.app).trpc.auth.signIn.mutate({ email: 'nobody@example.com', password: 'wrong one' }),
      'UNAUTHORIZED',
    );
    expect(wrong.message).toBe(unknown.message);
  });

  it('uses the Secure flag when configured for production', async () => {
    const secure = await openTestApp({ secureCookies: true });
    try {
      const { caller } = await signUp(secure.app);
      expect(caller.lastSetCookies.join()).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  });
});

describe('sign-in rate limits', () => {
  it('refuses the 6th attempt for an e-mail within 15 minutes, even with the right password', async () => {
    const { email, password } = await signUp(t.app);
    for (let i = 0; i < 5; i++) {
      // A different IP each time: the e-mail limit holds on its own.
      await failure(
        new Caller(t.app).trpc.auth.signIn.mutate({ email, password: `wrong ${i}` }),
        'UNAUTHORIZED',
      );
    }
    const limited = await failure(
      new Caller(t.app).trpc.auth.signIn.mutate({ email, password }),
      'TOO_MANY_REQUESTS',
    );
    expect(limited.httpStatus).toBe(429);
  });

  it('refuses an IP after 20 failures, whatever the e-mail', async () => {
    const ip = '192.0.2.77';
    for (let i = 0; i < 20; i++) {
      await failure(
        new Caller(t.app, { ip }).trpc.auth.signIn.mutate({ email: `guess${i}@example.com`, password: 'x' }),
        'UNAUTHORIZED',
      );
    }
    const { email, password } = await signUp(t.app);
    await failure(
      new Caller(t.app, { ip }).trpc.auth.signIn.mutate({ email, password }),
      'TOO_MANY_REQUESTS',
    );
    // Another IP is not affected.
    await new Caller(t.app).trpc.auth.signIn.mutate({ email, password });
  });

  it('forgives an e-mail its failures after a successful sign-in', async () => {
    const { email, password } = await signUp(t.app);
    for (let i = 0; i < 4; i++) {
      await failure(new Caller(t.app).trpc.auth.signIn.mutate({ email, password: 'wrong' }), 'UNAUTHORIZED');
    }
    await new Caller(t.app).trpc.auth.signIn.mutate({ email, password });
    for (let i = 0; i < 4; i++) {
      await failure(new Caller(t.app).trpc.auth.signIn.mutate({ email, password: 'wrong' }), 'UNAUTHORIZED');
    }
    await new Caller(t.app).trpc.auth.signIn.mutate({ email, password });
  });
});

describe('personal API tokens', () => {
  it('are shown once, work as Bearer, are listed without the secret, and stop working when revoked', async () => {
    const { caller } = await signUp(t.app);
    const created = await caller.trpc.auth.createApiToken.mutate({ name: '1C sync' });
    expect(created.token).toMatch(/^cb_[\w-]{43}$/);

    const integration = new Caller(t.app);
    integration.bearer = created.token;
    const me = await integration.trpc.auth.me.query();
    expect(me.via).toBe('api_token');
    const client = await integration.trpc.clients.create.mutate({
      kind: 'person',
      lastName: 'Токенов',
      firstName: 'Пётр',
    });
    const audit = await caller.trpc.audit.list.query({ entity: 'client' });
    expect(audit.items[0]).toMatchObject({
      entityId: client.id,
      actorKind: 'api_token',
      actorId: created.id,
    });

    // A token cannot mint tokens.
    await failure(integration.trpc.auth.createApiToken.mutate({ name: 'more' }), 'FORBIDDEN');

    const listed = await caller.trpc.auth.listApiTokens.query();
    expect(listed.items).toEqual([
      expect.objectContaining({ id: created.id, name: '1C sync', revokedAt: null }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.token);

    await caller.trpc.auth.revokeApiToken.mutate({ id: created.id });
    await failure(integration.trpc.auth.me.query(), 'UNAUTHORIZED');
  });

  it('refuse a made-up token', async () => {
    const stranger = new Caller(t.app);
    stranger.bearer = 'cb_made-up';
    await failure(stranger.trpc.clients.list.query(), 'UNAUTHORIZED');
  });
});

describe('members', () => {
  it('invites a new person with a one-time link, and the invitee joins with the role', async () => {
    const { caller: owner } = await signUp(t.app);
    const email = `new-${Date.now()}@example.com`;
    const invited = await owner.trpc.members.invite.mutate({ email, role: 'manager' });
    expect(invited.invite?.url).toMatch(/^http:\/\/localhost:3000\/invite#token=/);
    const member = new Caller(t.app);
    const me = await member.trpc.auth.acceptInvite.mutate({
      token: invited.invite!.token,
      password: 'member secret',
      name: 'Мария',
    });
    expect(me).toMatchObject({ role: 'manager', user: { email, name: 'Мария' } });
    await failure(
      new Caller(t.app).trpc.auth.acceptInvite.mutate({
        token: invited.invite!.token,
        password: 'again secret',
      }),
      'BAD_REQUEST',
    );
    await failure(owner.trpc.members.invite.mutate({ email, role: 'viewer' }), 'CONFLICT');
    const members = await owner.trpc.members.list.query();
    expect(members.items.map((m) => m.role).sort()).toEqual(['manager', 'owner']);
  });

  it('lets an existing user join without an invite token (they sign in as before)', async () => {
    const { caller: owner } = await signUp(t.app);
    const other = await signUp(t.app);
    const invited = await owner.trpc.members.invite.mutate({ email: other.email, role: 'viewer' });
    expect(invited.invite).toBeNull();
    const me = await other.caller.trpc.auth.me.query();
    expect(me.memberships).toHaveLength(2);
    const ownerWs = (await owner.trpc.auth.me.query()).workspace!;
    const switched = await other.caller.trpc.auth.switchWorkspace.mutate({ workspaceId: ownerWs.id });
    expect(switched).toMatchObject({ workspace: ownerWs, role: 'viewer' });
  });

  it('keeps owners safe from admins, and a workspace never without an owner', async () => {
    const { caller: owner, me } = await signUp(t.app);
    const admin = await addMember(t.app, owner, 'admin');
    const manager = await addMember(t.app, owner, 'manager');

    await failure(
      admin.caller.trpc.members.setRole.mutate({ userId: me.user.id, role: 'viewer' }),
      'FORBIDDEN',
    );
    await failure(admin.caller.trpc.members.remove.mutate({ userId: me.user.id }), 'FORBIDDEN');
    await failure(
      admin.caller.trpc.members.setRole.mutate({ userId: manager.userId, role: 'owner' }),
      'FORBIDDEN',
    );
    await failure(
      admin.caller.trpc.members.invite.mutate({ email: 'boss@example.com', role: 'owner' }),
      'FORBIDDEN',
    );
    await failure(
      manager.caller.trpc.members.setRole.mutate({ userId: manager.userId, role: 'admin' }),
      'FORBIDDEN',
    );
    expect(
      await admin.caller.trpc.members.setRole.mutate({ userId: manager.userId, role: 'viewer' }),
    ).toEqual({
      userId: manager.userId,
      role: 'viewer',
    });

    const last = await failure(
      owner.trpc.members.setRole.mutate({ userId: me.user.id, role: 'admin' }),
      'CONFLICT',
    );
    expect(last.message).toMatch(/last owner/);
    await failure(owner.trpc.members.remove.mutate({ userId: me.user.id }), 'CONFLICT');

    await owner.trpc.members.setRole.mutate({ userId: admin.userId, role: 'owner' });
    await owner.trpc.members.setRole.mutate({ userId: me.user.id, role: 'admin' });
    await admin.caller.trpc.members.remove.mutate({ userId: manager.userId });
    await failure(manager.caller.trpc.clients.list.query(), 'FORBIDDEN');
  });
});
