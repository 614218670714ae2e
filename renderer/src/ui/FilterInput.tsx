import { useRef } from 'react'
import { CloseButton, Kbd, TextInput } from '@mantine/core'
import { useHotkeys } from '@mantine/hooks'
import { IconSearch } from '@tabler/icons-react'

/** The panel's filter box; `/` focuses it from anywhere outside a text field, Escape clears it. */
export function FilterInput({
  value,
  onChange,
  placeholder,
  width = 360,
}: {
  value: string
  onChange: (value: string) => void
  placeholder: string
  width?: number
}) {
  const ref = useRef<HTMLInputElement>(null)
  useHotkeys([['/', () => ref.current?.focus()]])
  return (
    <TextInput
      ref={ref}
      size="xs"
      w={width}
      aria-label="Filter"
      placeholder={placeholder}
      value={value}
      leftSection={<IconSearch size={14} />}
      rightSectionWidth={value ? 28 : 30}
      rightSection={
        value ? (
          <CloseButton size="sm" aria-label="Clear filter" onClick={() => onChange('')} />
        ) : (
          <Kbd size="xs">/</Kbd>
        )
      }
      onChange={(event) => onChange(event.currentTarget.value)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          onChange('')
          event.currentTarget.blur()
        }
      }}
    />
  )
}
