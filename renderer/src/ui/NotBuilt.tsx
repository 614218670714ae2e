import { Center, Stack, Text, Title } from '@mantine/core'

/** What a panel shows until its feature lands: said plainly, never an empty page. */
export function NotBuilt({ title, issue }: { title: string; issue: string }) {
  return (
    <Center h="60vh">
      <Stack align="center" gap={4}>
        <Title order={3}>{title}</Title>
        <Text c="dimmed">This panel is not built yet ({issue}).</Text>
      </Stack>
    </Center>
  )
}
