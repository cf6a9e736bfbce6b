import { afterEach, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import { useTestDbWithOtherProcess } from '../test-support/use-test-db'
import { findClient, peekClient } from './clients'
import { bumpConfigVersion, cachedConfig, invalidateConfigCache, peekConfig, readConfigVersion } from './config-cache'
import { inTransaction } from './transaction'

// The server's process and "another process" (the admin CLI): two clients on one SQLite file.
const t = useTestDbWithOtherProcess()
afterEach(() => testClock.reset())

const TTL = 5 // CONFIG_CACHE_SECONDS default

async function renameClient(name: string): Promise<void> {
  await t.other.client.upsert({
    where: { clientId: 'c1' },
    create: { clientId: 'c1', clientName: name, allowedGrantTypes: [], redirectUris: [], postLogoutRedirectUris: [], allowedScopes: [], allowedCorsOrigins: [], allowedIdentityTokenSigningAlgorithms: [] },
    update: { clientName: name },
  })
}

describe('config cache', () => {
  it('serves cached reads until config.version changes, checked at most once per TTL', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    await renameClient('first')
    expect((await findClient('c1', t.db))!.clientName).toBe('first')

    // Another process changes the client and bumps the version.
    await renameClient('second')
    await inTransaction(t.other, bumpConfigVersion)
    testClock.advance(TTL - 1)
    expect((await findClient('c1', t.db))!.clientName).toBe('first')
    testClock.advance(1)
    expect((await findClient('c1', t.db))!.clientName).toBe('second')
  })

  it('keeps entries past the TTL while the version stays the same', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    let loads = 0
    const load = async () => ++loads
    expect(await cachedConfig('counter', load, t.db)).toBe(1)
    testClock.advance(TTL * 10)
    expect(await cachedConfig('counter', load, t.db)).toBe(1)
    await inTransaction(t.other, bumpConfigVersion)
    testClock.advance(TTL)
    expect(await cachedConfig('counter', load, t.db)).toBe(2)
  })

  it('invalidateConfigCache drops this process\'s entries at once', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    await renameClient('third')
    await findClient('c1', t.db)
    await renameClient('fourth')
    expect((await findClient('c1', t.db))!.clientName).not.toBe('fourth')
    invalidateConfigCache()
    expect((await findClient('c1', t.db))!.clientName).toBe('fourth')
  })

  it('does not remember a failed load', async () => {
    let calls = 0
    const flaky = async () => {
      calls++
      if (calls === 1) throw new Error('database hiccup')
      return 'ok'
    }
    await expect(cachedConfig('flaky', flaky, t.db)).rejects.toThrow('database hiccup')
    expect(await cachedConfig('flaky', flaky, t.db)).toBe('ok')
  })

  it('peekConfig answers without a promise only what cachedConfig would answer from the cache', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    await renameClient('peeked')
    invalidateConfigCache()
    expect(peekClient('c1', t.db)).toBeUndefined() // not loaded yet
    expect((await findClient('c1', t.db))!.clientName).toBe('peeked')
    expect(peekClient('c1', t.db)?.clientName).toBe('peeked')
    // A client that does not exist is cached as null (known), not as "ask again".
    expect(await findClient('nobody', t.db)).toBeNull()
    expect(peekClient('nobody', t.db)).toBeNull()

    // Another process changes it: within the TTL the cached value stands (the same bound as
    // cachedConfig); once a version check is due, peek defers to cachedConfig, which sees the change.
    await renameClient('changed')
    await inTransaction(t.other, bumpConfigVersion)
    testClock.advance(TTL - 1)
    expect(peekClient('c1', t.db)?.clientName).toBe('peeked')
    testClock.advance(1)
    expect(peekClient('c1', t.db)).toBeUndefined()
    expect((await findClient('c1', t.db))!.clientName).toBe('changed')
    expect(peekClient('c1', t.db)?.clientName).toBe('changed')

    invalidateConfigCache()
    expect(peekClient('c1', t.db)).toBeUndefined()
  })

  it('peekConfig never hands out a failed or unfinished load', async () => {
    let release: ((value: string) => void) | undefined
    const pending = cachedConfig('slow', () => new Promise<string>((resolve) => (release = resolve)), t.db)
    // The load starts once the version check (if one is due) is done.
    while (!release) await new Promise((resolve) => setTimeout(resolve, 1))
    expect(peekConfig('slow', t.db)).toBeUndefined()
    release('done')
    expect(await pending).toBe('done')
    expect(peekConfig('slow', t.db)).toEqual({ value: 'done' })
    await expect(cachedConfig('broken', async () => Promise.reject(new Error('no')), t.db)).rejects.toThrow('no')
    expect(peekConfig('broken', t.db)).toBeUndefined()
  })

  it('counts the version up from 1', async () => {
    const before = Number((await readConfigVersion(t.db)) ?? 0)
    expect(await inTransaction(t.db, bumpConfigVersion)).toBe(String(before + 1))
    expect(await readConfigVersion(t.other)).toBe(String(before + 1))
  })
})
