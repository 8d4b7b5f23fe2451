/**
 * The S3 side of the stand-in: an s3rver on a random port over a temporary folder, written and
 * read through the real `@aws-sdk/client-s3`, as Athena writes its result files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** s3rver checks signatures against its own default key pair. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Splits `s3://bucket/key/parts` into bucket and key.
 *
 * @example
 * parseS3Uri('s3://athena-results/irbook/1.csv'); // { bucket: 'athena-results', key: 'irbook/1.csv' }
 */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an S3 location: ${JSON.stringify(uri)}`);
  return { bucket: match[1]!, key: match[2]! };
}

/** A local S3 server holding Athena's result files. */
export class ResultStore {
  /** `http://127.0.0.1:<port>` of s3rver. */
  readonly endpoint: string;
  /** A ready configuration for an `S3Client` talking to this server (path style, s3rver's keys). */
  readonly clientConfig: S3ClientConfig;
  readonly #server: S3rver;
  readonly #directory: string;
  readonly #client: S3Client;
  readonly #buckets = new Set<string>();

  private constructor(server: S3rver, directory: string, port: number, bucket: string) {
    this.#server = server;
    this.#directory = directory;
    this.endpoint = `http://127.0.0.1:${port}`;
    this.clientConfig = {
      region: 'us-east-1',
      endpoint: this.endpoint,
      forcePathStyle: true,
      credentials: { ...S3RVER_CREDENTIALS },
    };
    this.#client = new S3Client(this.clientConfig);
    this.#buckets.add(bucket);
  }

  /** Starts s3rver on a random port with `bucket` created. */
  static async start(bucket: string): Promise<ResultStore> {
    const directory = mkdtempSync(join(tmpdir(), 'athena-standin-s3-'));
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    try {
      const address = await server.run();
      return new ResultStore(server, directory, address.port, bucket);
    } catch (error) {
      rmSync(directory, { recursive: true, force: true });
      throw error;
    }
  }

  /** Writes an object at an `s3://` location, creating its bucket the first time. */
  async put(location: string, body: string, contentType: string): Promise<void> {
    const { bucket, key } = parseS3Uri(location);
    if (!this.#buckets.has(bucket)) {
      await this.#client.send(new CreateBucketCommand({ Bucket: bucket }));
      this.#buckets.add(bucket);
    }
    await this.#client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
  }

  /** The bytes at an `s3://` location. */
  async get(location: string): Promise<Buffer> {
    const { bucket, key } = parseS3Uri(location);
    const object = await this.#client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) throw new Error(`${location} has no body`);
    return Buffer.from(await object.Body.transformToByteArray());
  }

  /** Stops s3rver and removes its folder. */
  async close(): Promise<void> {
    this.#client.destroy();
    try {
      await this.#server.close();
    } finally {
      rmSync(this.#directory, { recursive: true, force: true });
    }
  }
}
