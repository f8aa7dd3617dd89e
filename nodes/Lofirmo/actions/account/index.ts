import { defineResource } from '../operation';
import * as credits from './credits';

export const operations = [credits] as const;

export const resource = defineResource({ name: 'Account', value: 'account' }, operations, credits);
