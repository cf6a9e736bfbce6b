// A small per-process cache for configuration reads (clients, the resource catalog).
//
// Entries live until the configuration changes. Every process learns of a change through
// the `config.version` ServerSetting, which each import bumps in its own transaction; a
// process reads that one row at most once per CONFIG_CACHE_SECONDS, so an import made by
// any process (or the admin CLI) is seen everywhere within that bound. The importing
// process itself calls invalidateConfigCache() and sees its change at once.
// CONFIG_CACHE_SECONDS=0 turns caching off.
import { nowMs } from '../clock'
import { loadSettings } from '../config/env'
import { db as defaultDb, type Db } from '../db/client'
import type { Tx } from './transaction'

export const CONFIG_VERSION_SETTING = 'config.version'

/** Bounds the memory an attacker can make us spend by asking for many unknown client ids. */
const MAX_ENTRIES = 1000

interface Entry {
  promise: Promise<unknown>
  /** Set when the load succeeded: what peekConfig hands out without a promise. */
  loaded?: { value: unknown }
}

interface CacheState {
  entries: Map<string, Entry>
  /** The config.version seen at the last check (null: no import yet). */
  version: string | null | undefined
  checkedAt: number
  checking: Promise<void> | undefined
  generation: number
}

// One cache per database client, so tests with their own database never share entries.
const states = new WeakMap<object, CacheState>()
let generation = 0

/** Drops every cached entry of this process (called after an import). */
export function invalidateConfigCache(): void {
  generation++
}

/** Returns the cached value for `key`, loading it when absent or when the configuration changed. */
export function cachedConfig<T>(key: string, load: () => Promise<T>, database: Db = defaultDb()): Promise<T> {
  const ttlMs = loadSettings().configCacheSeconds * 1000
  if (ttlMs <= 0) return load()
  const state = stateFor(database)
  // Not async, and no wait when the version was checked within the TTL (nearly always): the
  // cached promise itself is handed out.
  if (nowMs() - state.checkedAt < ttlMs) return entryFor(state, key, load).promise as Promise<T>
  return checkVersion(state, database).then(() => entryFor(state, key, load).promise as Promise<T>)
}

/**
 * The cached value for `key` without a promise, as `{ value }`, when it is loaded and still
 * current (the version was checked within the TTL, as cachedConfig would do); else undefined,
 * and the caller asks cachedConfig. The staleness bound is cachedConfig's.
 */
export function peekConfig<T>(key: string, database: Db = defaultDb()): { value: T } | undefined {
  const ttlMs = loadSettings().configCacheSeconds * 1000
  if (ttlMs <= 0) return undefined
  const state = stateFor(database)
  if (nowMs() - state.checkedAt >= ttlMs) return undefined
  return state.entries.get(key)?.loaded as { value: T } | undefined
}

function entryFor(state: CacheState, key: string, load: () => Promise<unknown>): Entry {
  const cached = state.entries.get(key)
  if (cached) return cached
  const entry: Entry = { promise: load() }
  state.entries.set(key, entry)
  if (state.entries.size > MAX_ENTRIES) state.entries.delete(state.entries.keys().next().value!)
  entry.promise.then(
    (value) => {
      entry.loaded = { value }
    },
    // A failed load is not remembered: the next caller tries again.
    () => state.entries.get(key) === entry && state.entries.delete(key),
  )
  return entry
}

function stateFor(database: Db): CacheState {
  let state = states.get(database)
  if (!state) {
    state = { entries: new Map(), version: undefined, checkedAt: -Infinity, checking: undefined, generation }
    states.set(database, state)
  }
  if (state.generation !== generation) {
    state.entries.clear()
    state.generation = generation
    state.checkedAt = -Infinity
  }
  return state
}

async function checkVersion(state: CacheState, database: Db): Promise<void> {
  // Concurrent requests share one read of the version row.
  state.checking ??= (async () => {
    try {
      const version = await readConfigVersion(database)
      if (version !== state.version) {
        state.entries.clear()
        state.version = version
      }
      state.checkedAt = nowMs()
    } finally {
      state.checking = undefined
    }
  })()
  await state.checking
}

/** The current configuration version (null before the first import). */
export async function readConfigVersion(database: Db | Tx = defaultDb()): Promise<string | null> {
  const row = await database.serverSetting.findUnique({ where: { name: CONFIG_VERSION_SETTING } })
  return row?.value ?? null
}

/** Moves the configuration version on, inside the transaction that changed the configuration. */
export async function bumpConfigVersion(tx: Tx): Promise<string> {
  const current = Number(await readConfigVersion(tx))
  const next = String(Number.isSafeInteger(current) ? current + 1 : 1)
  await tx.serverSetting.upsert({
    where: { name: CONFIG_VERSION_SETTING },
    create: { name: CONFIG_VERSION_SETTING, value: next },
    update: { value: next },
  })
  return next
}
