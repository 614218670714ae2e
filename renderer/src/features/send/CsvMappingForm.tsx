import {
  Badge,
  Group,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core'
import type { CsvMapping, CsvPreview } from '../../../../shared/contract'
import type { BulkDraftCheck, BulkTemplate } from './bulk-model'

interface CsvMappingFormProps {
  preview: CsvPreview
  mapping: Partial<CsvMapping>
  onMapping: (mapping: Partial<CsvMapping>) => void
  template: BulkTemplate
  onTemplate: (template: BulkTemplate) => void
  check: BulkDraftCheck
}

const FIELDS = [
  { key: 'to', label: 'To column', required: true },
  { key: 'cc', label: 'Cc column', required: false },
  { key: 'bcc', label: 'Bcc column', required: false },
] as const

/** Which column is the recipient (and cc, bcc), the first rows as read, and the template. */
export function CsvMappingForm({
  preview,
  mapping,
  onMapping,
  template,
  onTemplate,
  check,
}: CsvMappingFormProps) {
  return (
    <Stack gap="sm">
      <MappingSelects preview={preview} mapping={mapping} onMapping={onMapping} check={check} />
      <CsvPreviewRows preview={preview} mapping={mapping} />
      <TextInput
        label="Subject"
        value={template.subject}
        onChange={(event) => onTemplate({ ...template, subject: event.currentTarget.value })}
        data-testid="bulk-subject"
      />
      <Textarea
        label="Text"
        description={`Columns usable as variables: ${preview.columns.map((c) => `{{${c}}}`).join(' ')}`}
        value={template.text}
        onChange={(event) => onTemplate({ ...template, text: event.currentTarget.value })}
        autosize
        minRows={4}
        maxRows={12}
        error={check.errors.template}
        data-testid="bulk-text"
      />
    </Stack>
  )
}

function MappingSelects({
  preview,
  mapping,
  onMapping,
  check,
}: Pick<CsvMappingFormProps, 'preview' | 'mapping' | 'onMapping' | 'check'>) {
  return (
    <SimpleGrid cols={3} spacing="sm">
      {FIELDS.map((field) => (
        <Select
          key={field.key}
          label={field.label}
          withAsterisk={field.required}
          placeholder={field.required ? 'Choose a column' : 'None'}
          data={preview.columns}
          value={mapping[field.key] ?? null}
          clearable={!field.required}
          allowDeselect={!field.required}
          onChange={(value) => {
            const next = { ...mapping }
            if (value === null) delete next[field.key]
            else next[field.key] = value
            onMapping(next)
          }}
          error={field.key === 'to' ? check.errors.to : undefined}
          comboboxProps={{ transitionProps: { duration: 0 } }}
          data-testid={`mapping-${field.key}`}
        />
      ))}
    </SimpleGrid>
  )
}

/** The first rows as read, with the mapped columns marked, and the rows that could not be read. */
function CsvPreviewRows({ preview, mapping }: Pick<CsvMappingFormProps, 'preview' | 'mapping'>) {
  const mappedAs = (column: string) => FIELDS.find((field) => mapping[field.key] === column)?.key
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Text size="sm" fw={600}>
          First rows
        </Text>
        <Text size="xs" c="dimmed" data-testid="csv-summary">
          {preview.totalRows} rows · {preview.columns.length} columns · delimiter{' '}
          {preview.delimiter === '\t' ? 'tab' : `"${preview.delimiter}"`}
        </Text>
      </Group>
      <ScrollArea.Autosize mah={220}>
        <Table striped withTableBorder stickyHeader fz="xs" data-testid="csv-preview">
          <Table.Thead>
            <Table.Tr>
              {preview.columns.map((column) => (
                <Table.Th key={column}>
                  <Group gap={4} wrap="nowrap">
                    {column}
                    {mappedAs(column) !== undefined && (
                      <Badge size="xs" variant="light">
                        {mappedAs(column)}
                      </Badge>
                    )}
                  </Group>
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.rows.map((row, index) => (
              <Table.Tr key={index}>
                {preview.columns.map((column) => (
                  <Table.Td key={column} ff="monospace">
                    {row[column]}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
      {preview.problems.length > 0 && (
        <Text size="xs" c="orange" data-testid="csv-problems">
          {preview.problems.length} row{preview.problems.length === 1 ? '' : 's'} could not be read
          cleanly (first: row {preview.problems[0]?.row}, {preview.problems[0]?.message}); they will
          be reported, the others sent.
        </Text>
      )}
    </Stack>
  )
}
