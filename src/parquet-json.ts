import { parquetMetadata, parquetRead } from 'hyparquet'

export interface ParquetColumns {
  /** One array per column, in the file's column order; row i is index i of every array. */
  columns: Record<string, unknown[]>
  rows: number
}

/**
 * Parquet (as SweatStack sends it, snappy-compressed) to JSON-friendly columns: instants as ISO
 * strings with `Z`, naive local times as ISO strings without a zone, 64-bit integers as numbers,
 * NaN as null. Columns, not rows: a long activity stays compact and charts take columns anyway.
 */
export async function parquetToColumns (file: ArrayBuffer): Promise<ParquetColumns> {
  const metadata = parquetMetadata(file)
  const naive = new Set<string>()
  const names: string[] = []
  for (const element of metadata.schema.slice(1)) {
    names.push(element.name)
    const logical = element.logical_type
    if (logical?.type === 'TIMESTAMP' && logical.isAdjustedToUTC === false) naive.add(element.name)
  }
  const rows = Number(metadata.num_rows)
  const columns: Record<string, unknown[]> = Object.fromEntries(names.map(name => [name, new Array(rows)]))
  await parquetRead({
    file,
    metadata,
    onChunk ({ columnName, columnData, rowStart }) {
      const target = columns[columnName] ?? (columns[columnName] = new Array(rows))
      const local = naive.has(columnName)
      for (let i = 0; i < columnData.length; i++) target[rowStart + i] = toJson(columnData[i], local)
    },
  })
  return { columns, rows }
}

function toJson (value: unknown, naiveTime: boolean): unknown {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null
    const iso = value.toISOString().replace('.000Z', 'Z')
    return naiveTime ? iso.slice(0, -1) : iso
  }
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  if (typeof value === 'number' && !Number.isFinite(value)) return null
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  return value ?? null
}
