// Server-sent events read from a fetch body (the playground's POST /v1/chat/completions with stream:true; an
// EventSource can only GET). Lines are split as they arrive; an event is dispatched at its blank line, its data
// lines joined with "\n" (the event-stream format of the HTML standard). Comments (": keep-alive") are skipped.

/** Yields {event, data} for every event of the stream, in order, as soon as its blank line has arrived. */
export async function* events(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let data = [];
  let event = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += value;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        let line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.endsWith('\r')) {
          line = line.slice(0, -1);
        }
        if (line === '') {
          if (data.length > 0) {
            yield { event: event || 'message', data: data.join('\n') };
          }
          data = [];
          event = '';
          continue;
        }
        if (line.startsWith(':')) {
          continue;
        }
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        let v = colon < 0 ? '' : line.slice(colon + 1);
        if (v.startsWith(' ')) {
          v = v.slice(1);
        }
        if (name === 'data') {
          data.push(v);
        } else if (name === 'event') {
          event = v;
        }
      }
    }
    if (data.length > 0) {
      yield { event: event || 'message', data: data.join('\n') };
    }
  } finally {
    reader.cancel().catch(() => {}); // the consumer stopped early: close the connection
  }
}
