import { Readable } from 'node:stream'
import { ByteWriter, ParquetWriter } from 'hyparquet-writer'
import type { SchemaElement } from 'hyparquet'

/** The content type the contract gives Parquet answers. */
export const parquetContentType = 'application/vnd.apache.parquet'

/**
 * Column kinds the sandbox writes. `timestamp` is a UTC instant and `timestamp_local` a naive
 * wall-clock time, both Parquet TIMESTAMP(MILLIS) given as epoch milliseconds (the naive one as if
 * it were UTC, as Arrow stores naive datetimes).
 */
export type ColumnKind = 'timestamp' | 'timestamp_local' | 'int32' | 'double' | 'string'

export interface ColumnSpec {
  name: string
  kind: ColumnKind
}

/** One batch: one array per column, all the same length, nulls allowed in plain arrays. */
export type ColumnBatch = Array<ArrayLike<number | string | null>>

function schemaElement ({ name, kind }: ColumnSpec): SchemaElement {
  switch (kind) {
    case 'timestamp': return { name, type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } }
    case 'timestamp_local': return { name, type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MILLIS' } }
    case 'int32': return { name, type: 'INT32', repetition_type: 'OPTIONAL' }
    case 'double': return { name, type: 'DOUBLE', repetition_type: 'OPTIONAL' }
    case 'string': return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }
  }
}

export function parquetSchema (columns: ColumnSpec[]): SchemaElement[] {
  return [{ name: 'schema', num_children: columns.length }, ...columns.map(schemaElement)]
}

/** A ByteWriter whose bytes can be taken out between row groups, so a file never sits whole in memory. */
class DrainableWriter extends ByteWriter {
  take (): Buffer {
    const bytes = Buffer.from(this.buffer.slice(0, this.index))
    this.index = 0
    return bytes
  }
}

/**
 * Writes batches as a snappy-compressed Parquet file, one row group per batch. Lazy: a batch is
 * only generated (and encoded) when the reader asks for more bytes, so memory stays at about one
 * batch whatever the file size.
 */
export function * parquetChunks (columns: ColumnSpec[], batches: Iterable<ColumnBatch>): Generator<Buffer> {
  const writer = new DrainableWriter(1 << 16)
  const parquet = new ParquetWriter({ writer, schema: parquetSchema(columns), codec: 'SNAPPY', createdBy: 'sweatstack-sandbox' })
  for (const batch of batches) {
    const rows = batch[0]?.length ?? 0
    if (rows === 0) continue
    const columnData = columns.map((column, index) => ({ name: column.name, data: batch[index] as never }))
    parquet.write({ columnData, rowGroupSize: rows })
    yield writer.take()
  }
  parquet.finish()
  yield writer.take()
}

export function parquetStream (columns: ColumnSpec[], batches: Iterable<ColumnBatch>): Readable {
  return Readable.from(parquetChunks(columns, batches), { objectMode: false })
}

/** The whole file in one buffer: for small answers and tests. */
export function parquetBuffer (columns: ColumnSpec[], batches: Iterable<ColumnBatch>): Buffer {
  return Buffer.concat([...parquetChunks(columns, batches)])
}
