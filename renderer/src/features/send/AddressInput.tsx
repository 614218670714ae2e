import { Pill, TagsInput } from '@mantine/core'
import { isValidAddress } from './compose-model'

interface AddressInputProps {
  label: string
  value: string[]
  onChange: (value: string[]) => void
  error?: string | undefined
  required?: boolean
  autoFocus?: boolean
}

/**
 * Address chips: typing a comma, semicolon or space (or Enter, or leaving the field) makes a chip;
 * each chip is checked at once and an invalid one turns red, with the reason under the field.
 */
export function AddressInput({
  label,
  value,
  onChange,
  error,
  required,
  autoFocus,
}: AddressInputProps) {
  return (
    <TagsInput
      label={label}
      placeholder={value.length === 0 ? 'name@example.com' : undefined}
      value={value}
      onChange={(next) => onChange(next.map((address) => address.trim()).filter(Boolean))}
      splitChars={[',', ';', ' ']}
      acceptValueOnBlur
      clearable
      error={error}
      withAsterisk={required}
      autoFocus={autoFocus}
      data-testid={`address-${label.toLowerCase()}`}
      renderPill={({ value: address, onRemove }) => {
        const valid = address !== undefined && isValidAddress(address)
        return (
          <Pill
            key={address}
            withRemoveButton
            onRemove={onRemove}
            ff="monospace"
            bg={valid ? undefined : 'var(--mantine-color-red-light)'}
            c={valid ? undefined : 'var(--mantine-color-red-light-color)'}
            data-invalid={valid ? undefined : 'true'}
            aria-label={valid ? address : `${address} (invalid address)`}
            removeButtonProps={{ 'aria-label': `Remove ${address ?? ''}` }}
          >
            {address}
          </Pill>
        )
      }}
    />
  )
}
