// The test-database setup most unit test files need, as one call (vitest hooks around
// createTestDb). Apart from test-db.ts so scripts outside vitest can use createTestDb.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { createDb, type Db } from '../db/client'
import { createTestDb, type TestDb } from './test-db'

/**
 * The usual setup in one call: a test database for the calling file (or describe block),
 * created before its tests and removed after them; `perTest` gives every test a fresh one.
 * Read `.db` and `.url` inside hooks and tests (with perTest they change between tests).
 */
export function useTestDb(options: { perTest?: boolean } = {}): Pick<TestDb, 'db' | 'url'> {
  let current: TestDb | undefined
  const [setUp, tearDown] = options.perTest ? [beforeEach, afterEach] : [beforeAll, afterAll]
  setUp(async () => {
    current = await createTestDb()
  })
  tearDown(async () => {
    await current?.dispose()
    current = undefined
  })
  const opened = (): TestDb => {
    if (!current) throw new Error('the test database exists only inside hooks and tests')
    return current
  }
  return {
    get db() {
      return opened().db
    },
    get url() {
      return opened().url
    },
  }
}

/**
 * useTestDb, plus `other`: a second client on the same file, standing for another process
 * (the admin CLI, a second server), opened after the database and closed before it.
 */
export function useTestDbWithOtherProcess(): Pick<TestDb, 'db' | 'url'> & { readonly other: Db } {
  const testDb = useTestDb()
  let other: Db | undefined
  beforeAll(() => {
    other = createDb(testDb.url)
  })
  afterAll(async () => {
    await other?.$disconnect()
    other = undefined
  })
  return {
    get db() {
      return testDb.db
    },
    get url() {
      return testDb.url
    },
    get other() {
      if (!other) throw new Error('the other client exists only inside hooks and tests')
      return other
    },
  }
}
