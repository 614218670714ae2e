import { ActionIcon } from '@mantine/core'
import { IconTrash } from '@tabler/icons-react'
import type { Column } from './DataTable'

/** The trailing trash-can column of a resource table; `removable` hides it on rows that cannot go. */
export function removeColumn<T>(
  name: (row: T) => string,
  onRemove: (row: T) => void,
  removable: (row: T) => boolean = () => true,
): Column<T> {
  return {
    key: 'actions',
    header: '',
    width: 44,
    compact: true,
    interactive: true,
    render: (row) =>
      removable(row) ? (
        <ActionIcon
          size="sm"
          variant="subtle"
          color="red"
          aria-label={`Remove ${name(row)}`}
          onClick={() => onRemove(row)}
        >
          <IconTrash size={16} />
        </ActionIcon>
      ) : null,
  }
}
