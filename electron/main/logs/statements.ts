import type Database from 'better-sqlite3'

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/** A prepared statement for this SQL on this connection, prepared once. */
export function statement(db: Database.Database, sql: string): Database.Statement {
  let byText = cache.get(db)
  if (!byText) cache.set(db, (byText = new Map<string, Database.Statement>()))
  let prepared = byText.get(sql)
  if (!prepared) {
    if (byText.size > 300) byText.clear()
    prepared = db.prepare(sql)
    byText.set(sql, prepared)
  }
  return prepared
}
