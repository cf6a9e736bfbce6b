// The test-database setup most unit test files need, as one call (vitest hooks around
// createTestDb). Apart from test-db.ts so scripts outside vitest can use createTestDb.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
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
