/**
 * Progress notifications for an MCP tool call: while the code runs, the client that sent a `progressToken`
 * gets `notifications/progress` with an increasing `progress` count and a `message`: the output written since
 * the previous notification (where the environment streams output), else a heartbeat naming the time spent.
 */
/** How often, at most, a notification carries new output, in milliseconds. */
export const PROGRESS_FLUSH_MS = 250

/** How long a call may go without a notification before a heartbeat is sent, in milliseconds. */
export const PROGRESS_HEARTBEAT_MS = 1000

/** Most characters of output one notification carries (the newest are kept, after a `…`). */
export const PROGRESS_MESSAGE_MAX_CHARS = 4000

/** Sends one notification; failures (a closed stream) are the sender's to swallow. */
export type ProgressSend = (progress: number, message: string) => void

/** A running call's reporter: feed it output, stop it when the call ends. */
export interface ProgressReporter {
  /** Takes a piece of output (the shape of `ExecuteOptions.onOutput`). */
  onOutput(chunk: { stream: 'stdout' | 'stderr'; text: string }): void
  /** Stops the timer; nothing is sent after. */
  stop(): void
}

/**
 * Starts reporting: every {@link PROGRESS_FLUSH_MS} the output received since the last notification is sent,
 * and when there was none for {@link PROGRESS_HEARTBEAT_MS}, a heartbeat (`running for 3 s`).
 */
export function reportProgress(send: ProgressSend): ProgressReporter {
  const started = performance.now()
  let progress = 0
  let pending = ''
  let lastSent = started
  let stopped = false
  const emit = (message: string) => {
    progress += 1
    lastSent = performance.now()
    send(progress, message)
  }
  const timer = setInterval(() => {
    if (stopped) return
    const now = performance.now()
    if (pending.length > 0) {
      const message = pending.length > PROGRESS_MESSAGE_MAX_CHARS ? `…${pending.slice(-PROGRESS_MESSAGE_MAX_CHARS)}` : pending
      pending = ''
      emit(message)
    } else if (now - lastSent >= PROGRESS_HEARTBEAT_MS - PROGRESS_FLUSH_MS / 2) {
      emit(`running for ${Math.round((now - started) / 1000)} s`)
    }
  }, PROGRESS_FLUSH_MS)
  timer.unref?.()
  return {
    onOutput(chunk) {
      if (!stopped) pending += chunk.text
    },
    stop() {
      stopped = true
      clearInterval(timer)
    },
  }
}
