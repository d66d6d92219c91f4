import type ru from '../ru/auth.ts';
import type { Shape } from '../shape.ts';

export default {
  signInTitle: 'Sign in',
  signUpTitle: 'Sign up',
  email: 'E-mail',
  password: 'Password',
  passwordHint: 'At least 8 characters',
  name: 'Your name',
  workspaceName: 'Company name',
  signIn: 'Sign in',
  signUp: 'Sign up',
  noAccount: 'No account yet?',
  haveAccount: 'Already have an account?',
  acceptInviteTitle: 'Join the team',
  acceptInvite: 'Accept the invitation',
  inviteMissing: 'The link holds no invitation. Ask your colleague to send it again.',
  errors: {
    passwordShort: 'The password needs at least 8 characters',
    emailInvalid: 'Check the e-mail address',
    emailTaken: 'This e-mail is already registered: sign in',
    required: 'Fill in this field',
    wrongCredentials: 'Wrong e-mail or password',
    tooMany: 'Too many failed sign-ins. Try again later.',
  },
} satisfies Shape<typeof ru>;
