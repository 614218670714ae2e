import { useMemo } from 'react'
import { Text } from '@mantine/core'
import type { VolumeSummary } from '../../../../shared/contract'
import type { Column } from '../../ui/DataTable'
import { formatAge, formatBytes } from '../../ui/format'
import { MiddleEllipsis } from '../../ui/MiddleEllipsis'
import { removeColumn } from '../../ui/remove-column'
import { UsedByCell } from '../../ui/UsedByCell'

function volumeColumns(
  now: number,
  onRemove: (volume: VolumeSummary) => void,
): Column<VolumeSummary>[] {
  return [
    {
      key: 'name',
      header: 'Name',
      mono: true,
      compare: (a, b) => a.name.localeCompare(b.name),
      render: (v) => <MiddleEllipsis text={v.name} />,
    },
    { key: 'driver', header: 'Driver', width: 90, render: (v) => v.driver },
    {
      key: 'size',
      header: 'Size',
      width: 100,
      align: 'right',
      mono: true,
      compare: (a, b) => (a.sizeBytes ?? -1) - (b.sizeBytes ?? -1),
      render: (v) => (v.sizeBytes === null ? '—' : formatBytes(v.sizeBytes)),
    },
    {
      key: 'usedBy',
      header: 'Used by',
      width: '24%',
      compare: (a, b) => a.usedBy.length - b.usedBy.length,
      render: (v) => <UsedByCell usedBy={v.usedBy} />,
    },
    {
      key: 'created',
      header: 'Created',
      width: 120,
      compare: (a, b) => (a.created ?? 0) - (b.created ?? 0),
      render: (v) => (
        <Text size="xs" span>
          {v.created ? formatAge(v.created, now) : '—'}
        </Text>
      ),
    },
    removeColumn<VolumeSummary>((v) => v.name, onRemove),
  ]
}

/** The volumes table's columns; `onRemove` should be stable (a state setter). */
export function useVolumeColumns(now: number, onRemove: (volume: VolumeSummary) => void) {
  return useMemo(() => volumeColumns(now, onRemove), [now, onRemove])
}
