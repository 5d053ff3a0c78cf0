import type { Command } from 'commander';
import { initCommand } from './init.js';
import { importCommand } from './import.js';
import { datasetsCommand } from './datasets.js';
import { sqlCommand } from './sql.js';
import { serveCommand } from './serve.js';
import { regionsCommand } from './regions.js';
import { statlineCommand } from './statline.js';
import { indicatorsCommand } from './indicators.js';
import { linkageCommand } from './linkage.js';
import { auditCommand } from './audit.js';
import { protectCommand } from './protect.js';
import { datacenterCommand } from './datacenter.js';
import { analyseCommand } from './analyse.js';
import { usersCommand } from './users.js';

/** Every top-level command, in the order `udc --help` lists them. A capability adds one line here. */
export function commands(): Command[] {
  return [
    initCommand(),
    importCommand(),
    datasetsCommand(),
    sqlCommand(),
    regionsCommand(),
    serveCommand(),
    statlineCommand(),
    indicatorsCommand(),
    linkageCommand(),
    auditCommand(),
    protectCommand(),
    datacenterCommand(),
    analyseCommand(),
    usersCommand(),
  ];
}
