import { useState } from 'react'
import { Button, Group, MultiSelect, SegmentedControl, TextInput } from '@mantine/core'
import { IconSearch, IconX } from '@tabler/icons-react'
import { logLevels, mailStatuses } from '../../../../shared/contract'
import { QUICK_RANGES, type LogFilters, type RangeKey } from './filters'

/** The full-text search box, applied on Enter or with its button. */
function SearchBox({
  text,
  onText,
  onApply,
}: {
  text: string
  onText: (text: string) => void
  onApply: () => void
}) {
  return (
    <Group gap="xs" wrap="nowrap">
      <TextInput
        aria-label="Search the log history"
        placeholder='Words, "a phrase", prefix*, AND / OR / NOT, an address or an email id'
        leftSection={<IconSearch size={14} />}
        value={text}
        onChange={(event) => onText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') onApply()
        }}
        style={{ flex: 1 }}
        ff="monospace"
        data-testid="logs-search"
      />
      <Button onClick={onApply} data-testid="logs-search-button">
        Search
      </Button>
    </Group>
  )
}

/** Services, levels and mail statuses to keep (none picked: all). */
function ChoiceFilters({
  value,
  onChange,
  services,
}: {
  value: LogFilters
  onChange: (next: LogFilters) => void
  services: string[]
}) {
  return (
    <>
      <MultiSelect
        size="xs"
        aria-label="Services"
        placeholder={value.services.length === 0 ? 'All services' : undefined}
        data={services}
        value={value.services}
        onChange={(next) => onChange({ ...value, services: next })}
        searchable
        clearable
        w={200}
      />
      <MultiSelect
        size="xs"
        aria-label="Levels"
        placeholder={value.levels.length === 0 ? 'All levels' : undefined}
        data={[...logLevels]}
        value={value.levels}
        onChange={(next) => onChange({ ...value, levels: next })}
        clearable
        w={190}
      />
      <MultiSelect
        size="xs"
        aria-label="Mail status"
        placeholder={value.statuses.length === 0 ? 'Any mail status' : undefined}
        data={[...mailStatuses]}
        value={value.statuses}
        onChange={(next) => onChange({ ...value, statuses: next })}
        clearable
        w={210}
      />
    </>
  )
}

/** Search box (applied on Enter), quick time ranges and the filters (applied at once). */
export function LogsFilters({
  value,
  onChange,
  services,
}: {
  value: LogFilters
  onChange: (next: LogFilters) => void
  services: string[]
}) {
  // Drafts while typing; a change of the applied filters from elsewhere (reset) wins.
  const [draft, setDraft] = useState({ of: value, text: value.text, recipient: value.recipient })
  const text = draft.of === value ? draft.text : value.text
  const recipient = draft.of === value ? draft.recipient : value.recipient
  const setText = (next: string): void => setDraft({ of: value, text: next, recipient })
  const setRecipient = (next: string): void => setDraft({ of: value, text, recipient: next })
  const apply = (): void => onChange({ ...value, text, recipient })
  const ranges = [
    ...QUICK_RANGES.map((range) => ({ value: range.value, label: range.label })),
    ...(value.range === 'custom' ? [{ value: 'custom', label: 'Selected span' }] : []),
  ]

  return (
    <>
      <SearchBox text={text} onText={setText} onApply={apply} />
      <Group gap="xs" wrap="wrap" align="flex-end">
        <SegmentedControl
          size="xs"
          role="radiogroup"
          aria-label="Time range"
          data={ranges}
          value={value.range}
          onChange={(range) =>
            onChange({ ...value, range: range as RangeKey, from: null, to: null })
          }
        />
        <ChoiceFilters value={value} onChange={onChange} services={services} />
        <TextInput
          size="xs"
          aria-label="Recipient"
          placeholder="Recipient or @domain"
          value={recipient}
          onChange={(event) => setRecipient(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') apply()
          }}
          onBlur={apply}
          w={220}
          ff="monospace"
        />
        <Button
          size="xs"
          variant="subtle"
          leftSection={<IconX size={14} />}
          onClick={() =>
            onChange({ ...value, text: '', recipient: '', services: [], levels: [], statuses: [] })
          }
        >
          Reset filters
        </Button>
      </Group>
    </>
  )
}
