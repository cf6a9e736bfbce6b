// Values the protocol tests' global setup hands to every test file (`inject('baseUrl')`).
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The server under test, e.g. http://127.0.0.1:41234 (no trailing slash). */
    baseUrl: string
    /** Its SQLite file, or null when testing an external server (PROTOCOL_BASE_URL). */
    databaseFile: string | null
  }
}
