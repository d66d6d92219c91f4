import type { Shape } from '../shape.ts';
import type ru from '../ru/dashboard.ts';

export default {
  title: 'TODO',
} satisfies Shape<typeof ru>;
