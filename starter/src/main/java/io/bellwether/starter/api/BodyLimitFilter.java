package io.bellwether.starter.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads every request body once, before anything parses it: a declared length over the limit is
 * refused at once, and a chunked body is read only up to one byte past the limit. Either way the
 * answer is a 413 problem. Bodies within the limit are kept, so later readers (the chat endpoints'
 * signature check, then the form parser) see exactly the bytes received.
 */
public final class BodyLimitFilter extends OncePerRequestFilter {
  /** The request attribute holding the raw body as a {@code byte[]}. */
  public static final String RAW_BODY = BodyLimitFilter.class.getName() + ".RAW_BODY";

  private final int maxBytes;

  public BodyLimitFilter(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    boolean chunked = request.getHeader("Transfer-Encoding") != null;
    if (declared <= 0 && !chunked) {
      chain.doFilter(request, response);
      return;
    }
    if (declared > maxBytes) {
      tooLarge(response);
      return;
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(maxBytes + 1);
    }
    if (body.length > maxBytes) {
      tooLarge(response);
      return;
    }
    request.setAttribute(RAW_BODY, body);
    chain.doFilter(new CachedBody(request, body), response);
  }

  private void tooLarge(HttpServletResponse response) throws IOException {
    // The rest of the body is left unread; the container drains or drops it.
    Problems.write(response, HttpStatus.PAYLOAD_TOO_LARGE, Problems.TOO_LARGE,
        "the request body is larger than " + maxBytes + " bytes");
  }

  /** The request with its body served from memory. */
  static final class CachedBody extends HttpServletRequestWrapper {
    private final byte[] body;

    CachedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body is already in memory");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      Charset cs = StandardCharsets.UTF_8;
      String enc = getCharacterEncoding();
      if (enc != null) {
        try {
          cs = Charset.forName(enc);
        } catch (IllegalArgumentException unknown) {
          // An unknown charset name from the caller: read as UTF-8 rather than fail here.
        }
      }
      return new BufferedReader(new InputStreamReader(getInputStream(), cs));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
