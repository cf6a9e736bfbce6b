// Interactive transactions for work that must be all-or-nothing across several stores
// (the configuration import). Store functions that take a `Tx` run inside one.
import type { Db, Prisma } from '../db/client'

/** A Prisma client inside an interactive transaction (a `Db` is one too, outside any). */
export type Tx = Prisma.TransactionClient

export async function inTransaction<T>(database: Db, work: (tx: Tx) => Promise<T>, timeoutMs = 30_000): Promise<T> {
  // maxWait: how long to wait for the connection; timeout: how long the work may hold it.
  return database.$transaction(work, { maxWait: 10_000, timeout: timeoutMs })
}
