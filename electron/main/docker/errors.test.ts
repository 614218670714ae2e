import { describe, expect, it } from 'vitest'
import { MaildockError } from '../../../shared/contract'
import { engineMessage, idempotent, toMaildockError } from './errors'

/** What docker-modem rejects with for an HTTP error answer. */
const modemError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), {
    statusCode,
    json: { message },
  })

describe('engine error mapping', () => {
  it.each([
    [
      404,
      'No such container: nope',
      'NOT_FOUND',
      'No such container: nope. It may have been removed: refresh the list.',
    ],
    [
      409,
      'You cannot remove a running container 0123456789abcdef0123. Stop the container before attempting removal or force remove',
      'CONFLICT',
      'Container 0123456789ab is running: stop it first, or remove it with force.',
    ],
    [
      409,
      'Conflict. The container name "/web" is already in use by container "0123456789abcdef". You have to remove (or rename) that container to be able to reuse that name.',
      'CONFLICT',
      'The name web is already used by container 0123456789ab: pick another name or remove that container.',
    ],
    [
      409,
      'conflict: unable to delete 5b04cae14f93 (cannot be forced) - image is being used by running container 0123456789ab',
      'CONFLICT',
      'Image 5b04cae14f93 is used by running container 0123456789ab: stop and remove that container first.',
    ],
    [
      409,
      'conflict: unable to delete 5b04cae14f93 (must be forced) - image is being used by stopped container 0123456789ab',
      'CONFLICT',
      'Image 5b04cae14f93 is used by stopped container 0123456789ab: remove that container first, or remove the image with force.',
    ],
    [
      403,
      'error while removing network: network mail id 1234 has active endpoints',
      'CONFLICT',
      'Network mail still has containers attached: disconnect or remove them first.',
    ],
    [
      409,
      'remove data: volume is in use - [0123456789abcdef0123, fedcba9876543210fedc]',
      'CONFLICT',
      'Volume data is used by container(s) 0123456789ab, fedcba987654: remove them first.',
    ],
    [
      409,
      'Container 0123456789abcdef is not running',
      'CONFLICT',
      'Container 0123456789ab is not running: start it first.',
    ],
    [
      404,
      'manifest for 127.0.0.1:5000/nope:latest not found: manifest unknown: manifest unknown',
      'NOT_FOUND',
      'Manifest for 127.0.0.1:5000/nope:latest not found: manifest unknown: manifest unknown. Check the image name and tag (and that you are logged in to the registry).',
    ],
    [
      500,
      'Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
      'UNAVAILABLE',
      'The registry could not be reached: Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused. Check the address and your network, then retry.',
    ],
  ])('maps %i %s', (status, message, code, expected) => {
    const error = toMaildockError(modemError(status, message))
    expect(error).toBeInstanceOf(MaildockError)
    expect(error.code).toBe(code)
    expect(error.message).toBe(expected)
  })

  it('reports a lost socket as ENGINE_UNREACHABLE with what to do', () => {
    const error = toMaildockError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    )
    expect(error.code).toBe('ENGINE_UNREACHABLE')
    expect(error.message).toMatch(/Start Docker/)
  })

  it('reports an abort as CANCELLED and keeps MaildockErrors as they are', () => {
    const abort = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })
    expect(toMaildockError(abort).code).toBe('CANCELLED')
    const own = new MaildockError('TIMEOUT', 'slow')
    expect(toMaildockError(own)).toBe(own)
  })

  it('strips the modem prefix when there is no JSON body', () => {
    expect(engineMessage(new Error('(HTTP code 500) server error - something broke '))).toBe(
      'Something broke',
    )
  })

  it('treats 304 (already started/stopped) as success', async () => {
    await expect(idempotent(() => Promise.reject(modemError(304, '')))).resolves.toEqual({
      ok: true,
    })
    await expect(
      idempotent(() => Promise.reject(modemError(404, 'No such container: x'))),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})
