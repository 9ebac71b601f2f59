/**
 * The deployable program: one `pulumi up` per environment (stack). Stack config names the environment's
 * spec, step, namespace and kube context; the Release component does the rest.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { join } from 'node:path';
import { Release } from '../components';
import type { Target } from '../compiler';

const config = new pulumi.Config('graylane');
const root = join(__dirname, '..');
// Pulumi requires every project config key without a default, so Pulumi.yaml declares these two with the
// default "", which means unset.
const context = config.get('kubeContext') || undefined;
const provider = context !== undefined ? new k8s.Provider('kube', { context }) : undefined;
const namespace = config.get('namespace') || undefined;
const targets = config.getObject<Target[]>('targets');
const step = config.getNumber('step');

const release = new Release(
  'release',
  {
    specFile: join(root, config.require('spec')),
    ...(step !== undefined ? { step } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(targets !== undefined ? { targets } : {}),
    settle: { delaySeconds: config.getNumber('settleSeconds') ?? 0 },
  },
  provider ? { providers: { kubernetes: provider } } : {},
);

export const objectNames = release.objectNames;
export const routing = release.routing;
