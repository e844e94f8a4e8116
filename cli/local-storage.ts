import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { ListableStoragePort } from "../shared/storage-port.js";

/**
 * The storage port on local folders: inputs are read under `inputRoot`, outputs written under `outputRoot`.
 * Each write goes to a temporary file that is then renamed, so no reader ever sees half a file.
 *
 * @example
 * const storage = new LocalFolderStorage("events/conversations", "out");
 * await storage.write("audit/a.json", "{}");
 */
export class LocalFolderStorage implements ListableStoragePort {
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

  /**
   * Keys of the files under `inputRoot` that start with `prefix`, with `/` separators, sorted; temporary files
   * of a write in progress (`.partial`) are left out. A missing folder lists nothing.
   */
  async list(prefix: string): Promise<string[]> {
    // Only the folder part of the prefix can be read as a directory; the rest filters names.
    const folder = this.inside(this.inputRoot, prefix.slice(0, prefix.lastIndexOf("/") + 1));
    let entries;
    try {
      entries = await readdir(folder, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.isFile() && !entry.name.endsWith(".partial"))
      .map((entry) => relative(this.inputRoot, join(entry.parentPath, entry.name)).split(sep).join("/"))
      .filter((key) => key.startsWith(prefix))
      .sort();
  }

  /** Keys must stay inside their root: `../` in a key is refused. */
  private inside(root: string, key: string): string {
    const path = resolve(join(root, key));
    if (path !== root && !path.startsWith(root + sep)) throw new Error(`storage key escapes its folder: ${key}`);
    return path;
  }
}
