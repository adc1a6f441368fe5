// Word lists for names that read like a real organization's, short enough for Sentry's column limits.

export const firstNames = [
  'ada', 'alan', 'barbara', 'claude', 'dennis', 'donald', 'edsger', 'frances', 'grace', 'hedy', 'ivan', 'john',
  'ken', 'leslie', 'linus', 'margaret', 'niklaus', 'radia', 'shafi', 'sophie', 'tim', 'vint', 'whitfield', 'yukihiro',
] as const;

export const lastNames = [
  'allen', 'backus', 'cerf', 'dijkstra', 'engelbart', 'floyd', 'hamilton', 'hopper', 'kay', 'knuth', 'lamport',
  'liskov', 'lovelace', 'matsumoto', 'perlman', 'ritchie', 'shannon', 'sutherland', 'thompson', 'torvalds',
  'turing', 'wilson', 'wirth', 'goldwasser',
] as const;

export const adjectives = [
  'amber', 'brave', 'calm', 'daring', 'eager', 'fancy', 'gentle', 'happy', 'icy', 'jolly', 'keen', 'lucky',
  'mighty', 'noble', 'proud', 'quick', 'rapid', 'silent', 'tidy', 'vivid', 'witty', 'young', 'zesty', 'bold',
] as const;

export const nouns = [
  'otter', 'falcon', 'badger', 'comet', 'delta', 'ember', 'fjord', 'glacier', 'harbor', 'island', 'jaguar',
  'kestrel', 'lantern', 'meadow', 'nebula', 'orchid', 'pixel', 'quasar', 'rocket', 'summit', 'tundra', 'willow',
  'yonder', 'zephyr',
] as const;

export const teamWords = ['backend', 'frontend', 'mobile', 'platform', 'data', 'infra', 'payments', 'growth', 'search', 'security'] as const;

export const projectWords = ['api', 'web', 'ios', 'android', 'worker', 'billing', 'gateway', 'console', 'ingest', 'scheduler'] as const;

export const platforms = ['python', 'javascript', 'node', 'go', 'java', 'ruby', 'php', 'cocoa', 'android', 'other'] as const;

export const environments = ['production', 'staging', 'development'] as const;

export const memberRoles = ['member', 'member', 'member', 'admin', 'manager'] as const;

export const errorMessages = [
  'TypeError: Cannot read properties of undefined',
  'ZeroDivisionError: division by zero',
  'ConnectionResetError: [Errno 104] Connection reset by peer',
  'KeyError: user_id',
  'TimeoutError: request took longer than 30s',
  'ValueError: invalid literal for int() with base 10',
  'NullPointerException in CheckoutService.submit',
  'OperationalError: could not connect to server',
] as const;
