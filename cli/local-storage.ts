import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { StoragePort } from "../shared/storage-port.js";

/**
 * The storage port on local folders: inputs are read under `inputRoot`, outputs written under `outputRoot`.
 * Each write goes to a temporary file that is then renamed, so no reader ever sees half a file.
 *
 * @example
 * const storage = new LocalFolderStorage("events/conversations", "out");
 * await storage.write("audit/a.json", "{}");
 */
export class LocalFolderStorage implements StoragePort {
  private readonly inputRoot: string;
  private readonly outputRoot: string;

  constructor(inputRoot: string, outputRoot: string) {
    this.inputRoot = resolve(inputRoot);
    this.outputRoot = resolve(outputRoot);
  }

  async read(key: string): Promise<Uint8Array> {
    return readFile(this.inside(this.inputRoot, key));
  }

  async write(key: string, body: string | Uint8Array): Promise<void> {
    const target = this.inside(this.outputRoot, key);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.partial`;
    await writeFile(temporary, body);
    await rename(temporary, target);
  }

  /** Keys must stay inside their root: `../` in a key is refused. */
  private inside(root: string, key: string): string {
    const path = resolve(join(root, key));
    if (path !== root && !path.startsWith(root + sep)) throw new Error(`storage key escapes its folder: ${key}`);
    return path;
  }
}
