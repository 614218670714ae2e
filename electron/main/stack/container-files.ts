import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import { extract, pack } from 'tar-stream'
import { toMaildockError } from '../docker'

/** A file MailDock writes into a container it created, before starting it. */
export interface ContainerFile {
  /** Absolute path in the container. */
  path: string
  content: string
  mode: number
  uid: number
  gid: number
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** A tar of the files, paths relative to / (the engine creates missing folders, root 0755). */
export async function filesArchive(files: readonly ContainerFile[]): Promise<Buffer> {
  const archive = pack()
  const done = collect(archive)
  for (const file of files) {
    archive.entry(
      { name: file.path.slice(1), mode: file.mode, uid: file.uid, gid: file.gid },
      file.content,
    )
  }
  archive.finalize()
  return done
}

/** Writes the files into a created (not yet started) container. */
export async function putFiles(
  docker: Docker,
  id: string,
  files: readonly ContainerFile[],
): Promise<void> {
  if (files.length === 0) return
  try {
    await docker.getContainer(id).putArchive(await filesArchive(files), { path: '/' })
  } catch (error) {
    throw toMaildockError(error)
  }
}

/** One file's text from a container, or null when it has none there. */
export async function readContainerFile(
  docker: Docker,
  id: string,
  path: string,
): Promise<string | null> {
  let archive: NodeJS.ReadableStream
  try {
    archive = await docker.getContainer(id).getArchive({ path })
  } catch {
    return null
  }
  const reader = extract()
  const text = new Promise<string | null>((resolve, reject) => {
    let found: string | null = null
    reader.on('entry', (header, stream, next) => {
      void collect(stream).then((content) => {
        if (header.type === 'file') found ??= content.toString('utf8')
        next()
      }, reject)
    })
    reader.on('finish', () => resolve(found))
    reader.on('error', reject)
  })
  archive.pipe(reader)
  return text
}
