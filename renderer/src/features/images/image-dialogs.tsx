import { useState } from 'react'
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Radio,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core'
import type { EventInput, ImageSummary } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { formatBytes, parseKeyValues, shortId } from '../../ui/format'
import { notifyDone, notifyError } from '../../ui/notify'

export const imageTitle = (image: ImageSummary): string =>
  image.tags[0] ?? `<none> ${shortId(image.id)}`

export function TagDialog({ image, onClose }: { image: ImageSummary | null; onClose: () => void }) {
  const { call } = useAction()
  const [repo, setRepo] = useState('')
  const [tag, setTag] = useState('latest')
  const [busy, setBusy] = useState(false)
  const submit = () => {
    if (!image) return
    setBusy(true)
    call('images:tag', { id: image.id, repo: repo.trim(), tag: tag.trim() || 'latest' })
      .then(() => {
        notifyDone('Tagged', `${repo.trim()}:${tag.trim() || 'latest'}`)
        onClose()
      })
      .catch((error: unknown) => notifyError('Could not tag the image', error))
      .finally(() => setBusy(false))
  }
  return (
    <Modal
      opened={image !== null}
      onClose={onClose}
      title={image ? `Tag ${imageTitle(image)}` : ''}
      centered
    >
      <form
        onSubmit={(event) => {
          event.preventDefault()
          submit()
        }}
      >
        <Stack gap="sm">
          <TextInput
            label="Repository"
            placeholder="registry.local:5000/team/app"
            value={repo}
            onChange={(e) => setRepo(e.currentTarget.value)}
            required
            data-autofocus
          />
          <TextInput label="Tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!repo.trim()}>
              Tag
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

/** Removes one tag of a multi-tag image, or the whole image (optionally with force). */
export function RemoveImageDialog({
  image,
  onClose,
}: {
  image: ImageSummary | null
  onClose: () => void
}) {
  const { call } = useAction()
  const [target, setTarget] = useState(
    image?.tags.length === 1 ? image.id : (image?.tags[0] ?? image?.id ?? ''),
  )
  const [force, setForce] = useState(false)
  const several = (image?.tags.length ?? 0) > 1
  return (
    <ConfirmDialog
      opened={image !== null}
      title={image ? `Remove ${imageTitle(image)}?` : ''}
      confirmLabel="Remove"
      onClose={onClose}
      onConfirm={async () => {
        try {
          const result = await call('images:remove', { id: target, force })
          notifyDone(
            'Image removed',
            `${result.untagged.length} untagged, ${result.deleted.length} layers deleted`,
          )
        } catch (error) {
          notifyError('Could not remove the image', error)
          throw error
        }
      }}
    >
      {several && image && (
        <Radio.Group value={target} onChange={setTarget} label="Remove">
          <Stack gap={4} mt={4}>
            {image.tags.map((tag) => (
              <Radio
                key={tag}
                value={tag}
                label={<Text ff="monospace" size="sm">{`the tag ${tag} only`}</Text>}
              />
            ))}
            <Radio
              value={image.id}
              label={`the whole image ${shortId(image.id)} (all ${image.tags.length} tags)`}
            />
          </Stack>
        </Radio.Group>
      )}
      {image && image.usedBy.length > 0 && (
        <Alert color="yellow" p="xs">
          Used by {image.usedBy.map((c) => c.name).join(', ')}: remove those containers first, or
          force.
        </Alert>
      )}
      <Checkbox label="Force" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />
    </ConfirmDialog>
  )
}

export function PruneImagesDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { call } = useAction()
  const [mode, setMode] = useState<'dangling' | 'unused'>('dangling')
  return (
    <ConfirmDialog
      opened={opened}
      title="Prune images"
      confirmLabel="Prune"
      onClose={onClose}
      onConfirm={async () => {
        try {
          const result = await call('images:prune', { mode })
          notifyDone(
            `Reclaimed ${formatBytes(result.reclaimedBytes)}`,
            `${result.deleted.length} image layers deleted`,
          )
        } catch (error) {
          notifyError('Could not prune images', error)
          throw error
        }
      }}
    >
      <SegmentedControl
        value={mode}
        onChange={setMode}
        data={[
          { value: 'dangling', label: 'Dangling (untagged)' },
          { value: 'unused', label: 'Every unused image' },
        ]}
      />
      <Text size="sm">
        {mode === 'dangling'
          ? 'Removes untagged images: leftovers of rebuilds and pulls.'
          : 'Removes every image no container uses, tagged or not. Local images that cannot be pulled again are gone for good.'}
      </Text>
    </ConfirmDialog>
  )
}

export function BuildDialog({
  opened,
  onClose,
  onBuild,
}: {
  opened: boolean
  onClose: () => void
  onBuild: (input: EventInput<'images:build'>) => void
}) {
  const [kind, setKind] = useState<'folder' | 'archive'>('folder')
  const [path, setPath] = useState('')
  const [dockerfile, setDockerfile] = useState('')
  const [tags, setTags] = useState('')
  const [args, setArgs] = useState('')
  const [noCache, setNoCache] = useState(false)
  const submit = () => {
    const buildArgs = parseKeyValues(args)
    onBuild({
      context: { kind, path: path.trim() },
      tags: tags.split(/[\s,]+/).filter(Boolean),
      noCache,
      ...(dockerfile.trim() ? { dockerfile: dockerfile.trim() } : {}),
      ...(Object.keys(buildArgs).length ? { buildArgs } : {}),
    })
    onClose()
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Build an image" size="lg" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          submit()
        }}
      >
        <Stack gap="sm">
          <SegmentedControl
            value={kind}
            onChange={setKind}
            data={[
              { value: 'folder', label: 'Folder' },
              { value: 'archive', label: 'Tar archive' },
            ]}
          />
          <TextInput
            label={kind === 'folder' ? 'Build context folder' : 'Context archive (.tar, .tar.gz)'}
            description="A path on the machine running MailDock"
            placeholder={kind === 'folder' ? '/home/me/project' : '/home/me/context.tar.gz'}
            value={path}
            onChange={(e) => setPath(e.currentTarget.value)}
            required
            ff="monospace"
            data-autofocus
          />
          <TextInput
            label="Dockerfile"
            placeholder="Dockerfile"
            value={dockerfile}
            onChange={(e) => setDockerfile(e.currentTarget.value)}
          />
          <TextInput
            label="Tags"
            placeholder="myapp:dev myapp:latest"
            value={tags}
            onChange={(e) => setTags(e.currentTarget.value)}
          />
          <Textarea
            label="Build args"
            placeholder={'BASE_IMAGE=maildock/node:local\nVERSION=1.2'}

            rows={3}
            value={args}
            onChange={(e) => setArgs(e.currentTarget.value)}
            ff="monospace"
          />
          <Checkbox
            label="No cache"
            checked={noCache}
            onChange={(e) => setNoCache(e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!path.trim()}>
              Build
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
