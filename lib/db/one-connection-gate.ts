// better-sqlite3 gives a process ONE connection. Prisma's adapter serialises transactions
// among themselves, but a plain query from another request runs on that same connection
// while a transaction is open — inside it, seeing its uncommitted writes and rolled back
// with it. This gate makes plain queries wait until no transaction is open, so every
// transaction is isolated from the rest of the process, as on a connection pool.
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils'

export function gateTransactions(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => gateAdapter(await factory.connect()),
  }
}

function gateAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  let open: Promise<void> | undefined

  const idle = async () => {
    while (open) await open
  }

  // Not async: with no transaction open (nearly always) a query goes straight to the adapter,
  // without a promise of its own (each promise costs: Next.js keeps Node's async hooks on in
  // this process). After a wait the check is made again in the same tick as the query (the
  // adapter runs the statement synchronously when called): a transaction may have opened
  // in between.
  const queryRaw = (query: SqlQuery): ReturnType<SqlDriverAdapter['queryRaw']> => (open ? open.then(() => queryRaw(query)) : adapter.queryRaw(query))
  const executeRaw = (query: SqlQuery): ReturnType<SqlDriverAdapter['executeRaw']> => (open ? open.then(() => executeRaw(query)) : adapter.executeRaw(query))

  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw,
    executeRaw,
    async executeScript(script: string) {
      if (open) await idle()
      return adapter.executeScript(script)
    },
    async startTransaction(isolationLevel) {
      // The loop's last check and the claim below run in one tick: two transactions starting
      // together cannot both pass (the second would overwrite the first's claim, and queries
      // would slip into the second while the first's finish() cleared it).
      while (open) await open
      let release!: () => void
      open = new Promise<void>((resolve) => (release = resolve))
      const finish = () => {
        open = undefined
        release()
      }
      let transaction: Transaction
      try {
        transaction = await adapter.startTransaction(isolationLevel)
      } catch (error) {
        finish()
        throw error
      }
      const commit = transaction.commit.bind(transaction)
      const rollback = transaction.rollback.bind(transaction)
      transaction.commit = async () => {
        try {
          await commit()
        } finally {
          finish()
        }
      }
      transaction.rollback = async () => {
        try {
          await rollback()
        } finally {
          finish()
        }
      }
      return transaction
    },
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
  }
}
