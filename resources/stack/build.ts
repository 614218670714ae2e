// Bundles each stack service into one CommonJS file, resources/stack/<service>/dist/index.js,
// so its image needs nothing but a Node base image.
// CLI: npx tsx resources/stack/build.ts [api|emailer|logger ...]
import { mkdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

export const STACK_SERVICES = ['api', 'emailer', 'logger'] as const
export type StackService = (typeof STACK_SERVICES)[number]

export const STACK_DIR = dirname(fileURLToPath(import.meta.url))

export function serviceDir(service: StackService): string {
  return join(STACK_DIR, service)
}

export interface BundleResult {
  service: StackService
  outfile: string
  bytes: number
}

export async function bundleService(service: StackService): Promise<BundleResult> {
  const dir = serviceDir(service)
  const outfile = join(dir, 'dist', 'index.js')
  await build({
    entryPoints: [join(dir, 'src', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: `// MailDock ${service} service, bundled by resources/stack/build.ts` },
  })
  // The repository's package.json says "type": "module"; the bundle is CommonJS.
  await writeFile(join(dir, 'dist', 'package.json'), '{ "type": "commonjs" }\n')
  return { service, outfile, bytes: (await stat(outfile)).size }
}

export async function bundleServices(
  services: readonly StackService[] = STACK_SERVICES,
): Promise<BundleResult[]> {
  await Promise.all(
    services.map((service) => mkdir(join(serviceDir(service), 'dist'), { recursive: true })),
  )
  return Promise.all(services.map(bundleService))
}

function isStackService(name: string): name is StackService {
  return (STACK_SERVICES as readonly string[]).includes(name)
}

async function cli(args: string[]): Promise<void> {
  const unknown = args.filter((arg) => !isStackService(arg))
  if (unknown.length > 0) {
    throw new Error(
      `unknown service(s): ${unknown.join(', ')}; expected ${STACK_SERVICES.join(', ')}`,
    )
  }
  const services = args.length === 0 ? STACK_SERVICES : args.filter(isStackService)
  for (const result of await bundleServices(services)) {
    console.log(`${result.service}: ${result.outfile} (${(result.bytes / 1024).toFixed(0)} KiB)`)
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
