// Types for the part of rocksdb-native (Holepunch, CommonJS, untyped) the storage index uses.
declare module "rocksdb-native" {
  interface RocksRange {
    gt?: Buffer;
    gte?: Buffer;
    lt?: Buffer;
    lte?: Buffer;
    reverse?: boolean;
    limit?: number;
  }
  interface RocksWriteBatch {
    put(key: Buffer, value: Buffer): void;
    delete(key: Buffer): void;
    flush(): Promise<void>;
    destroy(): void;
  }
  interface RocksOptions {
    readOnly?: boolean;
    createIfMissing?: boolean;
  }
  class RocksDB {
    constructor(path: string, opts?: RocksOptions);
    ready(): Promise<void>;
    close(): Promise<void>;
    get(key: Buffer): Promise<Buffer | null>;
    put(key: Buffer, value: Buffer): Promise<void>;
    delete(key: Buffer): Promise<void>;
    write(): RocksWriteBatch;
    /** Flushes the memtable to an SST file (durable past power loss, unlike a WAL write without sync). */
    flush(): Promise<void>;
    iterator(range: RocksRange): AsyncIterable<{ key: Buffer; value: Buffer }>;
  }
  export default RocksDB;
}
