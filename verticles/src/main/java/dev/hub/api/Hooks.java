package dev.hub.api;

/**
 * The hooks an embedding application gives the hub as its own Java objects (PROTOCOL.md section 10), each
 * optional: one not given is never asked and costs nothing. A hook given here takes the place of the same hook's
 * {@code hooks.*.url}; giving both is refused at start. Which rooms the join and publish hooks are asked for,
 * how long the hub waits ({@code hooks.timeoutMs}) and how many calls may wait ({@code hooks.maxInFlight}) come
 * from the configuration, as for the HTTP hooks.
 */
public final class Hooks {
  private ConnectHook connect;
  private JoinHook join;
  private PublishHook publish;
  private RequestHook request;

  public ConnectHook getConnect() {
    return connect;
  }

  public Hooks setConnect(ConnectHook connect) {
    this.connect = connect;
    return this;
  }

  public JoinHook getJoin() {
    return join;
  }

  public Hooks setJoin(JoinHook join) {
    this.join = join;
    return this;
  }

  public PublishHook getPublish() {
    return publish;
  }

  public Hooks setPublish(PublishHook publish) {
    this.publish = publish;
    return this;
  }

  public RequestHook getRequest() {
    return request;
  }

  public Hooks setRequest(RequestHook request) {
    this.request = request;
    return this;
  }
}
