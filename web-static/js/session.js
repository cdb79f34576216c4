// Who is signed in, as `GET /v1/me` told us.
export const session = {
  me: null,
  set(me) { this.me = me; },
  clear() { this.me = null; },
  get roles() { return this.me?.user?.roles ?? []; },
  has(...roles) { return roles.some((role) => this.roles.includes(role)); },
};
