/**
 * Starts a module Worker the way every pool of the pipeline does: replies go to `onReply`, an
 * uncaught error inside it becomes one `Error` ("NAME failed: message") for `onCrash` instead of
 * an unhandled event, and `init` is its first message.
 */
export function startWorker<Reply, Init>(
  url: URL,
  name: string,
  handlers: { onReply: (reply: Reply) => void; onCrash: (error: Error) => void },
  init: Init,
): Worker {
  const worker = new Worker(url.href, { type: "module" });
  worker.onmessage = (event: MessageEvent<Reply>) => handlers.onReply(event.data);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    handlers.onCrash(new Error(`${name} failed: ${event.message}`));
  };
  worker.postMessage(init);
  return worker;
}
