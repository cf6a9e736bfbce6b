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

  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    async queryRaw(query: SqlQuery) {
      if (open) await idle()
      return adapter.queryRaw(query)
    },
    async executeRaw(query: SqlQuery) {
      if (open) await idle()
      return adapter.executeRaw(query)
    },
    async executeScript(script: string) {
      if (open) await idle()
      return adapter.executeScript(script)
    },
    async startTransaction(isolationLevel) {
      await idle()
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
