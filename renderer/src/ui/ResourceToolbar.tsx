import type { ReactNode } from 'react'
import { Button } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import { FilterInput } from './FilterInput'
import { Toolbar } from './PanelHeader'

/** A resource panel's toolbar: the filter, "Create…" when given, the panel's own buttons, "Prune…". */
export function ResourceToolbar({
  filter,
  onFilterChange,
  placeholder,
  onCreate,
  onPrune,
  children,
}: {
  filter: string
  onFilterChange: (filter: string) => void
  placeholder: string
  onCreate?: () => void
  onPrune: () => void
  children?: ReactNode
}) {
  return (
    <Toolbar>
      <FilterInput value={filter} onChange={onFilterChange} placeholder={placeholder} />
      {onCreate && (
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={onCreate}>
          Create…
        </Button>
      )}
      {children}
      <Button size="xs" variant="light" color="red" onClick={onPrune}>
        Prune…
      </Button>
    </Toolbar>
  )
}
