export default {
  title: 'TODO',
};
