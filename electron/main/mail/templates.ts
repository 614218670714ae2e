import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { writePrivateFileSync } from '../lib/private-files'
import { MaildockError, mailTemplateSchema, type MailTemplate } from '../../../shared/contract'

/** Saved email templates, kept as one JSON file in the data directory. */
export class TemplateStore {
  constructor(readonly file: string) {}

  static inDataDir(dataDir: string): TemplateStore {
    return new TemplateStore(join(dataDir, 'mail-templates.json'))
  }

  list(): MailTemplate[] {
    let raw: string
    try {
      raw = readFileSync(this.file, 'utf8')
    } catch {
      return []
    }
    const parsed = z.array(mailTemplateSchema).safeParse(JSON.parse(raw))
    if (!parsed.success) {
      throw new MaildockError(
        'INTERNAL',
        `${this.file} is not a list of templates; fix or remove it`,
      )
    }
    return parsed.data.sort((a, b) => a.name.localeCompare(b.name))
  }

  save(input: Omit<MailTemplate, 'id' | 'updatedAt'> & { id?: string | undefined }): MailTemplate {
    const templates = this.list()
    const id = input.id ?? randomUUID()
    const saved: MailTemplate = {
      id,
      name: input.name,
      subject: input.subject,
      text: input.text,
      ...(input.html === undefined ? {} : { html: input.html }),
      updatedAt: Date.now(),
    }
    const others = templates.filter((template) => template.id !== id)
    if (others.some((template) => template.name === saved.name)) {
      throw new MaildockError('CONFLICT', `A template named "${saved.name}" already exists`)
    }
    this.write([...others, saved])
    return saved
  }

  private write(templates: MailTemplate[]): void {
    writePrivateFileSync(this.file, `${JSON.stringify(templates, null, 2)}\n`)
  }
}
